package io.raftis.jepsen;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many operations on each key were acknowledged (completed {@link Operation.Outcome#OK}). A history of nothing
 * but errors and timeouts is linearizable and proves nothing, so a test that checks a history also asks each key for
 * a minimum of acknowledged writes and reads.
 */
public final class Acknowledgements
{
    private Acknowledgements()
    {
    }

    /**
     * The acknowledged operations on one key.
     *
     * @param key    the key.
     * @param writes its acknowledged writes.
     * @param reads  its acknowledged reads.
     */
    public record Count(String key, int writes, int reads)
    {
        /**
         * Does the key have enough of both?
         *
         * @param minWrites the fewest acknowledged writes.
         * @param minReads  the fewest acknowledged reads.
         * @return true when it has at least as many of each.
         */
        public boolean meets(final int minWrites, final int minReads)
        {
            return writes >= minWrites && reads >= minReads;
        }

        /**
         * The count as text, e.g. {@code j0-3: 120 acknowledged writes, 97 acknowledged reads}.
         *
         * @return the description.
         */
        public String describe()
        {
            return key + ": " + writes + " acknowledged writes, " + reads + " acknowledged reads";
        }
    }

    /**
     * Count the acknowledged operations of the given clients on each of the keys, including keys that have none.
     *
     * @param history the history.
     * @param keys    the keys expected to have been operated on.
     * @param clients the clients whose operations count: ids 0 to clients - 1.
     * @return one count per key, in the order of the keys.
     */
    public static List<Count> count(final History history, final Collection<String> keys, final int clients)
    {
        final Map<String, int[]> counts = new HashMap<>();
        for (final String key : keys)
        {
            counts.put(key, new int[2]);
        }
        for (final Operation operation : history.operations())
        {
            final int[] count = counts.get(operation.key());
            if (null != count && Operation.Outcome.OK == operation.outcome() && operation.clientId() < clients)
            {
                count[Operation.Kind.WRITE == operation.kind() ? 0 : 1]++;
            }
        }
        final List<Count> result = new ArrayList<>();
        for (final String key : keys)
        {
            final int[] count = counts.get(key);
            result.add(new Count(key, count[0], count[1]));
        }
        return result;
    }

    /**
     * The counts that fall short of a minimum.
     *
     * @param counts    the counts.
     * @param minWrites the fewest acknowledged writes a key may have.
     * @param minReads  the fewest acknowledged reads a key may have.
     * @return the keys short of either, in order.
     */
    public static List<Count> shortOf(final List<Count> counts, final int minWrites, final int minReads)
    {
        final List<Count> result = new ArrayList<>();
        for (final Count count : counts)
        {
            if (!count.meets(minWrites, minReads))
            {
                result.add(count);
            }
        }
        return result;
    }

    /**
     * The count with the fewest acknowledged operations of either kind, to show how close a run came to a minimum.
     *
     * @param counts the counts, not empty.
     * @return the count whose smaller figure is the smallest.
     */
    public static Count fewest(final List<Count> counts)
    {
        Count fewest = counts.get(0);
        for (final Count count : counts)
        {
            if (Math.min(count.writes(), count.reads()) < Math.min(fewest.writes(), fewest.reads()))
            {
                fewest = count;
            }
        }
        return fewest;
    }
}
