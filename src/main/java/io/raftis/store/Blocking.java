package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

/**
 * What a blocking command (BLPOP and its kin) needs beyond its executor: the keys it waits on, how long, how to serve
 * it when one of them may have what it wants, and what a timeout answers. The executor itself serves or times out at
 * once, as Redis runs blocking commands inside MULTI.
 */
public interface Blocking
{
    /**
     * @param args the command, validated.
     * @return how long to wait in milliseconds, 0 for ever.
     */
    long timeoutMs(RespParser args);

    /**
     * @param args the command, validated.
     * @return the positions of the keys it waits on.
     */
    int[] waitKeys(RespParser args);

    /**
     * Serve the command if the keyspace has what it wants: write its reply and change the keyspace as the
     * non-blocking form would.
     *
     * @param args     the command, validated.
     * @param keyspace its database.
     * @param out      for the reply, written only when served.
     * @param readyKey the position of the key that may have become ready, or -1 on the first try, which also
     *                 answers a key of the wrong type with WRONGTYPE.
     * @return true if it was answered, false if it has to wait (nothing written, nothing changed).
     */
    boolean serve(RespParser args, Keyspace keyspace, RespWriter out, int readyKey);

    /**
     * @param out for the reply a timeout gives.
     */
    void timedOut(RespWriter out);

    /**
     * @return the executor of a blocking command: serve at once or answer as a timeout, as Redis runs it inside MULTI.
     */
    static CommandExecutor atOnce(final Blocking blocking)
    {
        return (args, keyspace, out) ->
        {
            if (!blocking.serve(args, keyspace, out, -1))
            {
                blocking.timedOut(out);
            }
        };
    }

    /**
     * A blocking command shaped {@code timeout numkeys key [key ...] ...} (BLMPOP, BZMPOP): its timeout is its first
     * argument, and it waits on the numkeys keys after the count.
     */
    abstract class AfterNumKeys implements Blocking
    {
        public long timeoutMs(final RespParser args)
        {
            return ListCommands.timeoutMs(args, 1, new String[1]);
        }

        public int[] waitKeys(final RespParser args)
        {
            return keysFrom(3, (int)args.argAsLong(2));
        }
    }

    /**
     * @return the positions first, first + 1, ... of count keys in a row.
     */
    static int[] keysFrom(final int first, final int count)
    {
        final int[] keys = new int[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = first + i;
        }
        return keys;
    }
}
