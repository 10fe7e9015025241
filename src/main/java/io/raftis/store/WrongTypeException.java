package io.raftis.store;

/**
 * Thrown by {@link Keyspace#getString(org.agrona.DirectBuffer, int, int)} when a key holds a value that is not a
 * string. A single preallocated instance without a stack trace is used, so throwing it costs no allocation.
 * {@link Command#execute(io.raftis.resp.RespParser, Keyspace, io.raftis.resp.RespWriter)} turns it into Redis's
 * {@link ErrorReplies#WRONG_TYPE} error reply.
 */
public final class WrongTypeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * The only instance.
     */
    public static final WrongTypeException INSTANCE = new WrongTypeException();

    private WrongTypeException()
    {
        super(ErrorReplies.WRONG_TYPE, null, false, false);
    }
}
