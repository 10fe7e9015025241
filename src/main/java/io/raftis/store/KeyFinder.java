package io.raftis.store;

import io.raftis.resp.RespParser;

/**
 * Finds the key arguments of a command whose keys first key, last key and step cannot describe (its
 * {@code movablekeys}), as COMMAND GETKEYS and cluster clients need them: SINTERCARD's numkeys, for one.
 */
@FunctionalInterface
public interface KeyFinder
{
    /**
     * @param args  holding the command, its name at base.
     * @param base  where the command's name is among args.
     * @param count how many arguments the command has, its name included.
     * @return the positions of its keys, counted from its name (at 0), or null if the arguments name no valid keys.
     */
    int[] keys(RespParser args, int base, int count);

    /**
     * The keys of a command that names how many keys follow: {@code numkeys} at numKeysAt, the keys after it.
     *
     * @param numKeysAt where numkeys is, counted from the name.
     * @return a finder of those keys.
     */
    static KeyFinder numKeysAt(final int numKeysAt)
    {
        return numKeysAt(numKeysAt, 0);
    }

    /**
     * As {@link #numKeysAt(int)}, with one more key before numkeys (the destination of ZUNIONSTORE) at position 1.
     *
     * @param numKeysAt   where numkeys is, counted from the name.
     * @param fixedBefore 1 if argument 1 is a key too, else 0.
     * @return a finder of those keys.
     */
    static KeyFinder numKeysAt(final int numKeysAt, final int fixedBefore)
    {
        return (args, base, count) ->
        {
            if (count <= numKeysAt)
            {
                return null;
            }
            final long numKeys = args.argAsLong(base + numKeysAt);
            if (!args.lastArgWasNumber() || numKeys < 1 || numKeys > count - numKeysAt - 1)
            {
                return null;
            }
            final int[] keys = new int[fixedBefore + (int)numKeys];
            if (1 == fixedBefore)
            {
                keys[0] = 1;
            }
            for (int i = 0; i < numKeys; i++)
            {
                keys[fixedBefore + i] = numKeysAt + 1 + i;
            }
            return keys;
        };
    }
}
