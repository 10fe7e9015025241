package io.raftis.resp;

import org.agrona.BufferUtil;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.LinkedBlockingQueue;

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
 * <p>
 * Giving back such a buffer's pages costs the kernel time in proportion to them: unmapping 500 MB took 40 ms, and
 * 150 to 180 ms with five members at it on two cores. A new array of hundreds of megabytes costs its zeroing: 500 MB
 * took 57 ms, and 130 to 280 ms with five members at it. So, as Redis frees large values in a background thread,
 * {@link #free} unmaps a mapped buffer, and {@link #allocateArray} makes an array of
 * {@link #BACKGROUND_ARRAY_THRESHOLD} bytes or more, on one background thread that sleeps when it has nothing to do:
 * the duty cycle only hands them over.
 */
public final class LargeBuffers
{
    /** Buffers of at least this many bytes are mapped; smaller ones are ordinary direct buffers. */
    public static final int LAZY_THRESHOLD = 4 * 1024 * 1024;
    /** Arrays of at least this many bytes are made in the background; smaller ones at once. */
    public static final int BACKGROUND_ARRAY_THRESHOLD = 16 * 1024 * 1024;

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
     * Free a buffer from {@link #allocate(int)} now, not when it is collected: a small one at once, a large one (in
     * the main, mapped) in the background.
     *
     * @param buffer to free; it must not be used after.
     */
    public static void free(final ByteBuffer buffer)
    {
        if (buffer.capacity() >= LAZY_THRESHOLD)
        {
            Background.TASKS.add(buffer);
        }
        else
        {
            BufferUtil.free(buffer);
        }
    }

    /**
     * Ask for a new array: made at once when small, in the background when large.
     *
     * @param length of the array.
     * @return the array to come.
     */
    public static PendingArray allocateArray(final int length)
    {
        final PendingArray pending = new PendingArray(length);
        if (length < BACKGROUND_ARRAY_THRESHOLD)
        {
            pending.make();
        }
        else
        {
            Background.TASKS.add(pending);
        }
        return pending;
    }

    /**
     * @return buffers freed and arrays made in the background so far, over the process's life.
     */
    public static long backgroundTasksDone()
    {
        return Background.done;
    }

    /**
     * An array asked of {@link #allocateArray(int)}, which is made once, by whichever thread makes it.
     */
    public static final class PendingArray
    {
        private final int length;
        private volatile byte[] array;
        private volatile boolean failed;

        /**
         * @param length of the array to make.
         */
        public PendingArray(final int length)
        {
            this.length = length;
        }

        /**
         * @return the array, all zero, once it is made; null until then, or for good when there was no memory for
         * it (see {@link #failed()}).
         */
        public byte[] array()
        {
            return array;
        }

        /**
         * @return true when the array could not be made: there was not that much memory.
         */
        public boolean failed()
        {
            return failed;
        }

        /**
         * @return the length asked for.
         */
        public int length()
        {
            return length;
        }

        /**
         * Make the array, on whichever thread is to pay for it.
         */
        public void make()
        {
            try
            {
                array = new byte[length];
            }
            catch (final OutOfMemoryError ex)
            {
                failed = true; // its owner does without it, as it would without this class
            }
        }
    }

    /**
     * The thread that frees and allocates in the background: started at the first task, a daemon, blocked on its
     * queue while it has none.
     */
    private static final class Background
    {
        private static final LinkedBlockingQueue<Object> TASKS = new LinkedBlockingQueue<>();
        private static volatile long done;

        static
        {
            final Thread thread = new Thread(Background::run, "raftis-large-buffers");
            thread.setDaemon(true);
            thread.start();
        }

        private static void run()
        {
            while (true)
            {
                final Object task;
                try
                {
                    task = TASKS.take();
                }
                catch (final InterruptedException ex)
                {
                    continue; // nothing interrupts it on purpose: it lives as long as the process
                }
                try
                {
                    if (task instanceof ByteBuffer)
                    {
                        BufferUtil.free((ByteBuffer)task);
                    }
                    else
                    {
                        ((PendingArray)task).make();
                    }
                }
                catch (final RuntimeException ex)
                {
                    // the thread must outlive a task that fails: an unfreed buffer is left to its collector
                }
                done++;
            }
        }
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
