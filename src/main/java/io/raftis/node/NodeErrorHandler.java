package io.raftis.node;

import org.agrona.ErrorHandler;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Logs each distinct error once, with its stack trace, and counts repeats; every thousandth repeat is logged again
 * with its count, so a storm of one error neither floods the log nor goes unseen.
 */
final class NodeErrorHandler implements ErrorHandler
{
    private final PrintStream out;
    private final Map<String, long[]> countByError = new HashMap<>();

    NodeErrorHandler(final PrintStream out)
    {
        this.out = out;
    }

    public synchronized void onError(final Throwable throwable)
    {
        final String key = throwable.getClass().getName() + ": " + throwable.getMessage();
        final long[] count = countByError.computeIfAbsent(key, k -> new long[1]);
        count[0]++;
        if (count[0] == 1)
        {
            out.println(ServerCommands.timestamp() + " error: " + key);
            throwable.printStackTrace(out);
        }
        else if (count[0] % 1000 == 0)
        {
            out.println(ServerCommands.timestamp() + " error (" + count[0] + " times): " + key);
        }
    }

    synchronized long errorCount()
    {
        long total = 0;
        for (final long[] count : countByError.values())
        {
            total += count[0];
        }
        return total;
    }
}
