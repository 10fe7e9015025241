package io.raftis.log;

import java.io.File;
import java.io.IOException;

/**
 * The Raft log on disk is damaged somewhere other than at its tail, so it cannot be repaired by cutting a torn
 * write: entries that may have been acknowledged would be lost. The node must not start with this log.
 * <p>
 * The message names the segment file, the byte offset within it and the index of the first bad entry, and says
 * what the operator should do.
 */
public final class LogCorruptionException extends IOException
{
    private final File file;
    private final long offset;
    private final long index;

    /**
     * @param file      segment file holding the damage.
     * @param offset    byte offset of the damage within the file.
     * @param index     index of the first entry that cannot be read.
     * @param reason    what was found.
     * @param directory the node's log directory, named in the advice.
     */
    public LogCorruptionException(
        final File file, final long offset, final long index, final String reason, final File directory)
    {
        super("Raft log corrupt in " + file + " at offset " + offset + " (entry " + index + "): " + reason +
            ". This is not a torn write at the tail and cannot be repaired without losing entries that may have" +
            " been acknowledged. Remove this node's data directory (" + directory + ") and restart the node so" +
            " that it catches up from the leader (only while the rest of the cluster has a quorum).");
        this.file = file;
        this.offset = offset;
        this.index = index;
    }

    /**
     * @return the segment file holding the damage.
     */
    public File file()
    {
        return file;
    }

    /**
     * @return the byte offset of the damage within {@link #file()}.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * @return the index of the first entry that cannot be read.
     */
    public long index()
    {
        return index;
    }
}
