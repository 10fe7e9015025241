package io.raftis.log;

import org.HdrHistogram.SingleWriterRecorder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The helper thread that makes a {@link SegmentedLog} durable beside the duty cycle, as Aeron Archive records beside
 * the consensus module: the duty cycle hands it the files appended to since the last sync ({@link #submit}), carries
 * on appending, sending and applying, and later reads the one position it publishes: the last index synced
 * ({@link #durableIndex()}), then calls back so that a sleeping duty cycle wakes. It makes no decision and touches
 * nothing but the files' channels, which are safe to force while the duty cycle writes further on.
 * <p>
 * One sync is in flight at a time: whatever the duty cycle appends meanwhile is covered by the next one, so that a
 * busy log needs a sync per sync-time, not per batch. A failed sync is kept ({@link #failure()}) for the duty cycle
 * to fail on; the thread does nothing more after one.
 */
final class LogSyncer implements Runnable, AutoCloseable
{
    private final Thread thread;
    private final Runnable onSynced;
    private final File directory;

    // the request: written by the duty cycle before it publishes {@link #requested}, read by the helper after
    private FileChannel[] channels = new FileChannel[4];
    private File[] files = new File[4];
    private int channelCount;
    private boolean syncDirectory;
    private long index;
    private IOException injectedFailure;

    private volatile long requested;
    private volatile long completed;
    private volatile long durableIndex;
    private volatile Throwable failure;
    private volatile boolean running = true;
    private volatile long syncCount;
    private volatile long syncNs;
    private volatile long maxSyncNs;
    private final SingleWriterRecorder latency;

    LogSyncer(
        final String name,
        final File directory,
        final long durableIndex,
        final Runnable onSynced,
        final SingleWriterRecorder latency)
    {
        this.latency = latency;
        this.directory = directory;
        this.durableIndex = durableIndex;
        this.onSynced = onSynced;
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return true while a submitted sync has not ended.
     */
    boolean inFlight()
    {
        return requested != completed;
    }

    /**
     * Begin a request: the files of the last one are forgotten. Only while none is {@link #inFlight()}.
     */
    void clear()
    {
        Arrays.fill(channels, 0, channelCount, null);
        Arrays.fill(files, 0, channelCount, null);
        channelCount = 0;
        syncDirectory = false;
    }

    void addFile(final File file, final FileChannel channel)
    {
        if (channelCount == channels.length)
        {
            channels = Arrays.copyOf(channels, channelCount * 2);
            files = Arrays.copyOf(files, channelCount * 2);
        }
        channels[channelCount] = channel;
        files[channelCount++] = file;
    }

    void syncDirectory()
    {
        syncDirectory = true;
    }

    /**
     * Hand the request over: once its files and the directory are synced, {@link #durableIndex()} becomes index.
     *
     * @param index           the last index appended when the request was made.
     * @param injectedFailure a test's failure to throw instead of syncing, or null.
     */
    void submit(final long index, final IOException injectedFailure)
    {
        this.index = index;
        this.injectedFailure = injectedFailure;
        requested = requested + 1;
        LockSupport.unpark(thread);
    }

    /**
     * @return the last index known durable, as of the last completed sync.
     */
    long durableIndex()
    {
        return durableIndex;
    }

    /**
     * @return the count of completed syncs, which changes when one ends.
     */
    long completed()
    {
        return completed;
    }

    /**
     * @return what a sync failed with, or null.
     */
    Throwable failure()
    {
        return failure;
    }

    long syncCount()
    {
        return syncCount;
    }

    long syncNs()
    {
        return syncNs;
    }

    long maxSyncNs()
    {
        return maxSyncNs;
    }

    /**
     * Wait until no sync is in flight, e.g. before a truncation deletes or rewrites what one may be forcing.
     */
    void awaitIdle()
    {
        while (inFlight() && null == failure)
        {
            LockSupport.parkNanos(10_000);
        }
    }

    public void run()
    {
        long seen = 0;
        while (running)
        {
            final long request = requested;
            if (request == seen)
            {
                LockSupport.park(this);
                continue;
            }
            seen = request;
            final long startNs = System.nanoTime();
            try
            {
                if (null != injectedFailure)
                {
                    throw injectedFailure;
                }
                if (syncDirectory)
                {
                    FileSupport.syncDirectory(directory);
                }
                for (int i = 0; i < channelCount; i++)
                {
                    try
                    {
                        channels[i].force(false);
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException("cannot sync log segment " + files[i] + ": " + ex, ex);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex instanceof IOException ? new UncheckedIOException("cannot sync the log: " + ex,
                    (IOException)ex) : ex;
                completed = request;
                onSynced.run();
                return; // fail-stop: the duty cycle ends the process; nothing is synced after a failure
            }
            final long durationNs = System.nanoTime() - startNs;
            latency.recordValue(Math.min(durationNs, SegmentedLog.MAX_RECORDED_SYNC_NS));
            syncNs = syncNs + durationNs;
            maxSyncNs = Math.max(maxSyncNs, durationNs);
            syncCount = syncCount + 1;
            durableIndex = index;
            completed = request;
            onSynced.run();
        }
    }

    /**
     * Stop the thread once the sync in flight, if any, has ended.
     */
    public void close()
    {
        awaitIdle();
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
