package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

import static io.raftis.store.Command.CATEGORY_HYPERLOGLOG;
import static io.raftis.store.Command.FLAG_DENYOOM;
import static io.raftis.store.Command.FLAG_FAST;
import static io.raftis.store.Command.FLAG_WRITE;

/**
 * Redis's HyperLogLog commands with Redis 7's replies, errors and bytes: PFADD, PFCOUNT and PFMERGE. A HyperLogLog
 * is a string ({@link HyperLogLog} describes its bytes), so GET, SET, APPEND and DEBUG DIGEST see what Redis's would
 * hold after the same commands, and a string taken from Redis with GET counts the same here.
 * <p>
 * A key of another type is Redis's WRONGTYPE error; a string that is not a HyperLogLog (no "HYLL" header, an unknown
 * encoding, a dense one of the wrong length) is {@link #NOT_A_HYPERLOGLOG}; sparse opcodes that do not cover the
 * registers are {@link #CORRUPT} when they are read. As in Redis, a PFADD that meets corrupt opcodes keeps the
 * registers it raised before.
 * <p>
 * PFCOUNT of one key stores the count it computes in the string's header, as Redis does, so it changes the string:
 * it is a write here, applied from the log on every member, so that every member holds the same bytes (see
 * {@link #register(CommandTable)}).
 * <p>
 * Redis reads the byte past the end of a sparse string whose last opcode is a cut XZERO, and its own update of such a
 * string can leave a byte other than 0 there, which its next command reads. That byte is kept beside the string it
 * follows, by identity, for as long as the string is stored: every member makes the same strings from the same
 * log, so every member keeps the same bytes.
 */
public final class HyperLogLogCommands
{
    /**
     * A string that is not a HyperLogLog, in Redis's words.
     */
    static final String NOT_A_HYPERLOGLOG = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    /**
     * A sparse HyperLogLog whose opcodes do not cover its registers, in Redis's words.
     */
    static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    private final HyperLogLog work = new HyperLogLog();
    private final byte[] registers = new byte[HyperLogLog.REGISTERS];
    private final int[] histogram = new int[HyperLogLog.HISTOGRAM_LENGTH];
    /** The byte Redis would read past the end of a sparse string, where it is not 0, by the stored array. */
    private final Map<byte[], Integer> pastEnd = new WeakHashMap<>();

    private HyperLogLogCommands()
    {
    }

    /**
     * Register the commands. PFCOUNT is registered as a write (Redis flags it read-only and may-replicate): one key's
     * count is cached in its string, which must change on every member or on none, so PFCOUNT goes through the log
     * and is applied everywhere, as PFADD is. PFCOUNT of several keys changes nothing, but one command has one set of
     * flags, so it goes the same way. COMMAND therefore shows PFCOUNT as a write, in ACL's @write rather than @read,
     * and ACL key patterns ask for read and write access to its keys (Redis's PFCOUNT key spec is read-write too).
     *
     * @param table to register with.
     */
    public static void register(final CommandTable table)
    {
        final HyperLogLogCommands commands = new HyperLogLogCommands();
        table.register(new Command("pfadd", -2, FLAG_WRITE | FLAG_DENYOOM | FLAG_FAST, 1, 1, 1, CATEGORY_HYPERLOGLOG,
            commands::pfadd));
        table.register(new Command("pfcount", -2, FLAG_WRITE, 1, -1, 1, CATEGORY_HYPERLOGLOG, commands::pfcount));
        table.register(new Command("pfmerge", -2, FLAG_WRITE | FLAG_DENYOOM, 1, -1, 1, CATEGORY_HYPERLOGLOG,
            commands::pfmerge));
    }

    /**
     * PFADD: create the key if missing, then raise a register per element; 1 if the key was created or a register
     * changed, and then the cached count is marked stale.
     */
    private void pfadd(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final DirectBuffer buffer = args.argBuffer();
        final byte[] stored = keyspace.getString(buffer, args.argOffset(1), args.argLength(1));
        int updated = 0;
        if (null == stored)
        {
            work.loadEmpty();
            updated++;
        }
        else if (HyperLogLog.isHyperLogLog(stored))
        {
            work.load(stored, pastEnd(stored));
        }
        else
        {
            out.error(NOT_A_HYPERLOGLOG);
            return;
        }

        boolean corrupt = false;
        for (int i = 2; i < args.argCount() && !corrupt; i++)
        {
            final int result = work.add(buffer, args.argOffset(i), args.argLength(i));
            updated += Math.max(result, 0);
            corrupt = result < 0;
        }
        if (updated > 0)
        {
            if (!corrupt)
            {
                work.invalidateCache();
            }
            store(args, 1, keyspace, stored);
        }

        if (corrupt)
        {
            out.error(CORRUPT);
        }
        else
        {
            out.integer(updated > 0 ? 1 : 0);
        }
    }

    /**
     * PFCOUNT: one key's count, from its cache or computed and cached; or the count of the union of several keys'
     * registers, cached nowhere. A missing key counts as an empty HyperLogLog.
     */
    private void pfcount(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        if (args.argCount() > 2)
        {
            if (mergeKeys(args, 1, keyspace, out) >= 0)
            {
                out.integer(HyperLogLog.estimate(registers, histogram));
            }
            return;
        }

        final byte[] stored = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == stored)
        {
            out.integer(0);
        }
        else if (!HyperLogLog.isHyperLogLog(stored))
        {
            out.error(NOT_A_HYPERLOGLOG);
        }
        else if (HyperLogLog.isCacheValid(stored))
        {
            out.integer(HyperLogLog.cachedCount(stored));
        }
        else
        {
            Arrays.fill(registers, (byte)0);
            if (!HyperLogLog.merge(stored, pastEnd(stored), registers))
            {
                out.error(CORRUPT);
                return;
            }
            final long count = HyperLogLog.estimate(registers, histogram);
            HyperLogLog.cacheCount(stored, count);
            keyspace.changedInPlace(args.argBuffer(), args.argOffset(1), args.argLength(1), 0);
            out.integer(count);
        }
    }

    /**
     * PFMERGE: the destination, created if missing, takes the highest of every key's registers (its own included);
     * it turns dense first if any of them is dense, and its cached count is marked stale even if nothing changed.
     */
    private void pfmerge(final RespParser args, final Keyspace keyspace, final RespWriter out)
    {
        final int anyDense = mergeKeys(args, 1, keyspace, out);
        if (anyDense < 0)
        {
            return;
        }

        final byte[] stored = keyspace.getString(args.argBuffer(), args.argOffset(1), args.argLength(1));
        if (null == stored)
        {
            work.loadEmpty();
        }
        else
        {
            work.load(stored, pastEnd(stored));
        }
        if (1 == anyDense && !work.toDense())
        {
            // the destination's opcodes were read whole by mergeKeys, so this is as far as Redis gets either way
            out.error(CORRUPT);
            return;
        }
        for (int i = 0; i < HyperLogLog.REGISTERS; i++)
        {
            if (0 != registers[i])
            {
                work.set(i, registers[i]);
            }
        }
        work.invalidateCache();
        store(args, 1, keyspace, stored);
        out.ok();
    }

    /**
     * Merge the registers of the keys from argument first on into {@link #registers}; missing keys count as empty.
     *
     * @return 1 if any key was dense, 0 if none, -1 once an error has been replied.
     * @throws WrongTypeException if a key holds another type than a string, before any reply.
     */
    private int mergeKeys(final RespParser args, final int first, final Keyspace keyspace, final RespWriter out)
    {
        Arrays.fill(registers, (byte)0);
        int anyDense = 0;
        for (int i = first; i < args.argCount(); i++)
        {
            final byte[] stored = keyspace.getString(args.argBuffer(), args.argOffset(i), args.argLength(i));
            if (null == stored)
            {
                continue;
            }
            if (!HyperLogLog.isHyperLogLog(stored))
            {
                out.error(NOT_A_HYPERLOGLOG);
                return -1;
            }
            if (HyperLogLog.isDense(stored))
            {
                anyDense = 1;
            }
            if (!HyperLogLog.merge(stored, pastEnd(stored), registers))
            {
                out.error(CORRUPT);
                return -1;
            }
        }
        return anyDense;
    }

    /**
     * Store the work's string at the key of argument keyArg: changed in place if it is the stored array, else as a
     * new value that keeps the key's time to live (a new key has none).
     */
    private void store(final RespParser args, final int keyArg, final Keyspace keyspace, final byte[] stored)
    {
        final byte[] result = work.toBytes();
        if (result == stored)
        {
            keyspace.changedInPlace(args.argBuffer(), args.argOffset(keyArg), args.argLength(keyArg), 0);
            return;
        }
        if (0 != work.pastEnd())
        {
            pastEnd.put(result, work.pastEnd());
        }
        final DirectBuffer buffer = args.argBuffer();
        if (null == stored)
        {
            keyspace.put(buffer, args.argOffset(keyArg), args.argLength(keyArg), result);
        }
        else
        {
            keyspace.putKeepTtl(buffer, args.argOffset(keyArg), args.argLength(keyArg), result);
        }
    }

    private int pastEnd(final byte[] stored)
    {
        if (pastEnd.isEmpty())
        {
            return 0;
        }
        final Integer value = pastEnd.get(stored);
        return null == value ? 0 : value;
    }
}
