package io.raftis.store;

/**
 * Every data command raftis serves, by family: the one place a family is added, so that a node, the in-process
 * test node and the store's test driver serve the same set.
 */
public final class DataCommands
{
    private DataCommands()
    {
    }

    /**
     * Register every family's commands.
     *
     * @param table           to register with.
     * @param maxStringLength longest string a command may build (Redis's proto-max-bulk-len): see
     *                        {@link StringCommands#register(CommandTable, long)}.
     */
    public static void register(final CommandTable table, final long maxStringLength)
    {
        StringCommands.register(table, maxStringLength);
        KeyCommands.register(table);
        HashCommands.register(table);
        ListCommands.register(table);
        SetCommands.register(table);
        SortedSetCommands.register(table);
        BitCommands.register(table, maxStringLength);
        HyperLogLogCommands.register(table);
        GeoCommands.register(table);
        DebugCommands.register(table);
        ObjectCommands.register(table);
        DumpCommands.register(table);
        SortCommands.register(table);
    }

    /**
     * Register the commands no client may send: the deterministic forms that {@link CommandRewriter}s write into
     * the log, looked up only when applying such an entry.
     *
     * @param internal the table of internal commands.
     */
    public static void registerInternal(final CommandTable internal)
    {
        SetCommands.registerInternal(internal);
    }
}
