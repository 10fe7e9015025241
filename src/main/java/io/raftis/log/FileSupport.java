package io.raftis.log;

import org.agrona.DirectBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Small file-system helpers shared by the log and the node state file.
 */
final class FileSupport
{
    private static final boolean IS_WINDOWS =
        System.getProperty("os.name", "").toLowerCase().startsWith("windows");

    private FileSupport()
    {
    }

    /**
     * Make the creation, deletion and renaming of files in a directory durable (fsync on the directory). Windows
     * cannot open a directory for this and does not need it, so there it does nothing.
     *
     * @param directory to sync.
     */
    static void syncDirectory(final File directory)
    {
        if (IS_WINDOWS)
        {
            return;
        }

        try (FileChannel channel = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("failed to sync directory " + directory, ex);
        }
    }

    /**
     * @return the end of the last non-zero 8-byte word in [from, limit) of buffer, or from when all are zero.
     *         from and limit must be multiples of 8 apart.
     */
    static int endOfNonZero(final DirectBuffer buffer, final int from, final int limit)
    {
        for (int i = limit - 8; i >= from; i -= 8)
        {
            if (0 != buffer.getLong(i))
            {
                return i + 8;
            }
        }

        return from;
    }
}
