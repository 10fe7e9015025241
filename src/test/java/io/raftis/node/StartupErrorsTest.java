package io.raftis.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's mistake stops a member before it starts, with exit code 2 and a line that names the mistake.
 */
class StartupErrorsTest
{
    @TempDir
    File dir;

    @Test
    void shouldRefuseToStartWithAFlagThatNamesNoSetting() throws Exception
    {
        final Result result = start("--member-id=1", "--members=1=127.0.0.1:18901:16379",
            "--data-dir=" + new File(dir, "node1"), "--appendonly=yes");
        assertEquals(2, result.exitCode, result.stderr);
        assertTrue(result.stderr.startsWith("raftis: cannot start: unknown setting --appendonly (raftis.appendonly)"),
            result.stderr);
        assertFalse(new File(dir, "node1").exists(), "nothing created");

        final Result typo = start("--member-id=1", "--members=1=127.0.0.1:18901:16379",
            "--data-dir=" + new File(dir, "node1"), "--fsnyc=never");
        assertEquals(2, typo.exitCode, typo.stderr);
        assertTrue(typo.stderr.contains("did you mean --fsync?"), typo.stderr);
    }

    private record Result(int exitCode, String stderr)
    {
    }

    private static Result start(final String... flags) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RaftisMain.class.getName());
        command.addAll(List.of(flags));
        final Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final byte[] stderr = process.getErrorStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("the member did not stop: " + new String(stderr, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(stderr, StandardCharsets.UTF_8));
    }
}
