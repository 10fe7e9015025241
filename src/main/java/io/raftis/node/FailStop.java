package io.raftis.node;

import org.agrona.ErrorHandler;

import java.io.PrintStream;
import java.util.function.IntConsumer;

/**
 * The duty cycle's error handler. An exception or {@link Error} that escapes a duty-cycle pass leaves it half-done:
 * a log sync that failed (the page cache's state is then unknown, and a second sync could report success for pages
 * the kernel already dropped), an entry half-applied, a buffer the JVM could not reserve. Nothing can reason about
 * the node's state after that, so the member logs why and ends at once with {@link #EXIT_CODE}, for its supervisor to
 * restart it from what is durable. A member that holds its data-dir lock and answers nothing is the worst outcome.
 * <p>
 * Errors that the node contains (a client's bad request, a transport's lost connection) go to the node's ordinary
 * error log instead and the node goes on.
 */
final class FailStop implements ErrorHandler
{
    /** The exit code of a member that stopped because its duty cycle failed. */
    static final int EXIT_CODE = 1;

    private final ErrorHandler log;
    private final PrintStream out;
    private final IntConsumer halt;

    /**
     * @param log  where the error itself goes, with its stack trace.
     * @param out  where the line that says the member stops goes.
     * @param halt ends the process with the code given ({@code Runtime.getRuntime()::halt} in a member: no shutdown
     *             hook may try to sync or hand over from a state that is unknown).
     */
    FailStop(final ErrorHandler log, final PrintStream out, final IntConsumer halt)
    {
        this.log = log;
        this.out = out;
        this.halt = halt;
    }

    public void onError(final Throwable throwable)
    {
        try
        {
            log.onError(throwable);
            out.println(ServerCommands.timestamp() + " raftis: stopping with exit code " + EXIT_CODE +
                ": the duty cycle failed and the member's state is unknown: " + throwable);
            out.flush();
        }
        finally
        {
            halt.accept(EXIT_CODE);
        }
    }
}
