package io.raftis.node;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The idle strategy of a member that shares its cores: after a pass that did no work, block in the selector that
 * holds the client sockets and Aeron's UDP sockets (epoll on Linux) until one of them is readable, the next timer is
 * due, or another thread calls {@link Selector#wakeup()}. An idle member then costs a wake-up per message or timer,
 * not a core.
 * <p>
 * Ready keys are left for the pass that follows: the selector is level-triggered, so that pass's own
 * {@code selectNow} finds them again.
 */
public final class SelectorIdleStrategy implements IdleStrategy
{
    /** The alias, and the name of the setting. */
    public static final String ALIAS = "epoll";

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final Selector selector;
    private final LongSupplier nanosToNextTimer;
    private final Consumer<SelectionKey> leaveForThePass = key -> {};
    private final DutyCycleStats stats;

    /**
     * @param selector         to block in.
     * @param nanosToNextTimer how long the caller may sleep: 0 or less for not at all.
     * @param stats            counting the blocks.
     */
    public SelectorIdleStrategy(
        final Selector selector, final LongSupplier nanosToNextTimer, final DutyCycleStats stats)
    {
        this.selector = selector;
        this.nanosToNextTimer = nanosToNextTimer;
        this.stats = stats;
    }

    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    public void idle()
    {
        final long waitNs = nanosToNextTimer.getAsLong();
        if (waitNs <= 0)
        {
            return; // a timer is due: the next pass runs it
        }
        // the selector counts in milliseconds: round up, as 0 would mean for ever and waking early spins
        final long timeoutMs = (waitNs + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
        stats.idleBlocks++;
        try
        {
            selector.select(leaveForThePass, timeoutMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public void reset()
    {
    }

    public String alias()
    {
        return ALIAS;
    }
}
