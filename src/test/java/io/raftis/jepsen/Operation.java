package io.raftis.jepsen;

import java.util.Objects;

/**
 * One client operation on a single key of a register-per-key store, as recorded by a test client.
 * <p>
 * {@code invokeNs} is taken just before the request is sent and {@code completeNs} just after its reply was read.
 * An {@link Outcome#INFO} operation has no meaningful completion time: the checker treats it as completing at
 * +infinity, so it may take effect at any time after its invocation, or never.
 *
 * @param clientId   the client (or process) that issued the operation.
 * @param key        the key operated on; each key is an independent register.
 * @param kind       whether the operation reads or writes the register.
 * @param value      the written value, or the value read; {@code null} means the key is absent.
 * @param invokeNs   time the operation was invoked.
 * @param completeNs time the operation completed; ignored for {@link Outcome#INFO}.
 * @param outcome    what the client knows about whether the operation took effect.
 */
public record Operation(
    int clientId, String key, Kind kind, String value, long invokeNs, long completeNs, Outcome outcome)
{
    /**
     * The kind of register operation.
     */
    public enum Kind
    {
        /**
         * Returns the register's value at the linearization point.
         */
        READ,

        /**
         * Sets the register's value at the linearization point.
         */
        WRITE
    }

    /**
     * What the client knows about an operation's effect.
     */
    public enum Outcome
    {
        /**
         * Completed and the result is known.
         */
        OK,

        /**
         * Certainly not applied (e.g. -MOVED, -CLUSTERDOWN, -TRYAGAIN): dropped from the history.
         */
        FAILED,

        /**
         * Unknown (e.g. -UNCERTAIN, timeout, connection reset): may take effect at any time after invocation, or never.
         */
        INFO
    }

    /**
     * Validates the operation.
     */
    public Operation
    {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome != Outcome.INFO && completeNs < invokeNs)
        {
            throw new IllegalArgumentException("completeNs " + completeNs + " < invokeNs " + invokeNs);
        }
    }

    /**
     * An acknowledged write.
     *
     * @param clientId   the client.
     * @param key        the key.
     * @param value      the value written, or {@code null} for a delete.
     * @param invokeNs   invocation time.
     * @param completeNs completion time.
     * @return the operation.
     */
    public static Operation write(
        final int clientId, final String key, final String value, final long invokeNs, final long completeNs)
    {
        return new Operation(clientId, key, Kind.WRITE, value, invokeNs, completeNs, Outcome.OK);
    }

    /**
     * A completed read.
     *
     * @param clientId   the client.
     * @param key        the key.
     * @param value      the value read, or {@code null} if the key was absent.
     * @param invokeNs   invocation time.
     * @param completeNs completion time.
     * @return the operation.
     */
    public static Operation read(
        final int clientId, final String key, final String value, final long invokeNs, final long completeNs)
    {
        return new Operation(clientId, key, Kind.READ, value, invokeNs, completeNs, Outcome.OK);
    }

    /**
     * A copy of this operation with another outcome.
     *
     * @param newOutcome the outcome.
     * @return the copy.
     */
    public Operation withOutcome(final Outcome newOutcome)
    {
        return new Operation(clientId, key, kind, value, invokeNs, completeNs, newOutcome);
    }

    /**
     * A copy of this operation with another value.
     *
     * @param newValue the value.
     * @return the copy.
     */
    public Operation withValue(final String newValue)
    {
        return new Operation(clientId, key, kind, newValue, invokeNs, completeNs, outcome);
    }

    /**
     * Is the operation's completion time known?
     *
     * @return true unless the outcome is {@link Outcome#INFO}.
     */
    public boolean hasKnownCompletion()
    {
        return outcome != Outcome.INFO;
    }

    /**
     * The completion time the checker uses: +infinity ({@link Long#MAX_VALUE}) for {@link Outcome#INFO}.
     *
     * @return the effective completion time.
     */
    public long effectiveCompleteNs()
    {
        return outcome == Outcome.INFO ? Long.MAX_VALUE : completeNs;
    }

    /**
     * A human readable description, e.g. {@code client 3 READ k -> "v3" [100, 200] OK}.
     *
     * @return the description.
     */
    public String describe()
    {
        final String what = kind == Kind.WRITE ?
            "WRITE " + key + " := " + show(value) : "READ " + key + " -> " + show(value);
        final String interval = outcome == Outcome.INFO ?
            "[" + invokeNs + ", +inf)" : "[" + invokeNs + ", " + completeNs + "]";
        return "client " + clientId + " " + what + " " + interval + " " + outcome;
    }

    static String show(final String value)
    {
        return null == value ? "<absent>" : "\"" + value + "\"";
    }
}
