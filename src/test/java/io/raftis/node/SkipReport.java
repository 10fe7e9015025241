package io.raftis.node;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lists, once every test has run, each test that was skipped or aborted (an assumption that did not hold, see
 * {@link Requirements}) with its reason, so that a test that could not run says why beside the summary instead of
 * only adding one to a count. Registered with the JUnit Platform in {@code META-INF/services}, so Maven and IDEs
 * both use it.
 */
public final class SkipReport implements TestExecutionListener
{
    private final List<String> skipped = Collections.synchronizedList(new ArrayList<>());

    /**
     * Created by the JUnit Platform's service loader.
     */
    public SkipReport()
    {
    }

    public void executionSkipped(final TestIdentifier test, final String reason)
    {
        skipped.add(name(test) + ": " + reason);
    }

    public void executionFinished(final TestIdentifier test, final TestExecutionResult result)
    {
        if (TestExecutionResult.Status.ABORTED == result.getStatus())
        {
            skipped.add(name(test) + ": " +
                result.getThrowable().map(Throwable::getMessage).orElse("aborted without a reason"));
        }
    }

    public void testPlanExecutionFinished(final TestPlan testPlan)
    {
        final List<String> lines;
        synchronized (skipped)
        {
            lines = List.copyOf(skipped);
            skipped.clear();
        }
        if (!lines.isEmpty())
        {
            final StringBuilder sb = new StringBuilder()
                .append("SKIPPED: ").append(lines.size()).append(" test(s) or class(es) did not run:");
            for (final String line : lines)
            {
                sb.append("\nSKIPPED:   ").append(line);
            }
            System.out.println(sb);
        }
    }

    private static String name(final TestIdentifier test)
    {
        final TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource)
        {
            final MethodSource method = (MethodSource)source;
            return method.getClassName() + "." + method.getMethodName();
        }
        if (source instanceof ClassSource)
        {
            return ((ClassSource)source).getClassName();
        }
        return test.getDisplayName();
    }
}
