package io.raftis.resp;

import org.agrona.BufferUtil;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Buffers for values of hundreds of megabytes whose memory is committed page by page as it is first written, not all
 * at once. {@link ByteBuffer#allocateDirect(int)} zeroes all of its memory before it returns: for 512 MB of memory
 * the process never touched before, that took 0.4 to 1.4 s here, in one pass of the duty cycle, past the election
 * timeout. A buffer from {@link #allocate(int)} of {@link #LAZY_THRESHOLD} bytes or more is a private mapping of a
 * sparse temporary file instead: nothing is zeroed up front, each page is taken on its first write (a private
 * mapping's written pages are anonymous memory, never written back to the file), so the cost comes with the bytes,
 * spread over the passes that bring them. The file is deleted as soon as it is mapped; its pages go when the buffer
 * is freed, or with the process.
 * <p>
 * Such a buffer is not counted against {@code -XX:MaxDirectMemorySize}: its owners count it in the client memory
 * that maxmemory-clients bounds.
 */
public final class LargeBuffers
{
    /** Buffers of at least this many bytes are mapped; smaller ones are ordinary direct buffers. */
    public static final int LAZY_THRESHOLD = 4 * 1024 * 1024;

    private LargeBuffers()
    {
    }

    /**
     * A direct buffer of the capacity whose bytes read as zero before they are written.
     *
     * @param capacity in bytes.
     * @return the buffer: mapped and committed as written when large, or allocated (and zeroed) as usual when small
     * or when no temporary file can be mapped.
     */
    public static ByteBuffer allocate(final int capacity)
    {
        if (capacity >= LAZY_THRESHOLD)
        {
            try
            {
                return map(capacity);
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                // no writable temporary directory: an ordinary buffer does, at the cost of zeroing it at once
            }
        }
        return ByteBuffer.allocateDirect(capacity);
    }

    /**
     * Free a buffer from {@link #allocate(int)} now, not when it is collected: unmapped, or its direct memory
     * released.
     *
     * @param buffer to free; it must not be used after.
     */
    public static void free(final ByteBuffer buffer)
    {
        BufferUtil.free(buffer);
    }

    private static ByteBuffer map(final int capacity) throws IOException
    {
        final File file = File.createTempFile("raftis-buffer-", ".tmp");
        try (RandomAccessFile randomAccessFile = new RandomAccessFile(file, "rw"))
        {
            randomAccessFile.setLength(capacity); // sparse: no block of the file is written
            return randomAccessFile.getChannel().map(FileChannel.MapMode.PRIVATE, 0, capacity);
        }
        finally
        {
            if (!file.delete())
            {
                file.deleteOnExit();
            }
        }
    }
}
