package io.raftis.log;

import io.raftis.raft.EntryFrame;
import io.raftis.codecs.MessageHeaderDecoder;
import io.raftis.codecs.MessageHeaderEncoder;
import io.raftis.codecs.NodeStateDecoder;
import io.raftis.codecs.NodeStateEncoder;
import io.raftis.raft.PersistentState;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The node's {@link PersistentState}: {@value #FILE_NAME} in the data directory, holding the cluster id, this
 * node's member id, the member list it was created with, the current term and the vote, encoded with the SBE
 * {@link NodeStateEncoder} behind a {@link MessageHeaderEncoder}.
 * <p>
 * <b>Torn writes.</b> The file has two slots of {@value #SLOT_LENGTH} bytes, one page each so a torn write of one
 * cannot damage the other. Each slot holds a whole NodeState message, then at its end a sequence number and a
 * CRC32C of the slot. {@link #update(long, int)} writes the slot not holding the current state with the next
 * sequence number and forces it before returning; on open the valid slot with the higher sequence wins. A write
 * torn by a crash leaves that slot invalid (or holding an older sequence), so the state from before the update
 * is read, which is correct because the update had not returned. If neither slot is valid the file is corrupt
 * and opening fails.
 * <p>
 * The file is created whole under a temporary name and renamed into place, so a crash while creating it never
 * leaves a partial file. While open, the file is locked ({@link FileChannel#tryLock()}) so that a second node
 * process cannot use the same data directory.
 * <p>
 * Not thread safe.
 */
public final class NodeStateFile implements PersistentState, AutoCloseable
{
    /** Value of {@link #votedFor()} when the node has not voted in the current term. */
    public static final int NO_VOTE = 0;
    /** Name of the file in the data directory. */
    public static final String FILE_NAME = "node-state.dat";

    static final int SLOT_LENGTH = 4096;
    static final int SLOT_COUNT = 2;
    static final int FILE_LENGTH = SLOT_LENGTH * SLOT_COUNT;
    static final int SEQUENCE_OFFSET = SLOT_LENGTH - 16;
    static final int CHECKSUM_OFFSET = SLOT_LENGTH - 8;

    /** Longest member list that fits in a slot. */
    public static final int MAX_MEMBERS_LENGTH = SEQUENCE_OFFSET - MessageHeaderEncoder.ENCODED_LENGTH -
        NodeStateEncoder.BLOCK_LENGTH - NodeStateEncoder.membersHeaderLength();

    private final File file;
    private final FileChannel lockChannel;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final long clusterId;
    private final int memberId;
    private final String members;
    private final byte[] membersBytes;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final NodeStateEncoder encoder = new NodeStateEncoder();
    private long currentTerm;
    private int votedFor;
    private int currentSlot;
    private long sequence;
    private boolean closed;

    private NodeStateFile(
        final File file,
        final FileChannel lockChannel,
        final MappedByteBuffer mapped,
        final long clusterId,
        final int memberId,
        final String members,
        final byte[] membersBytes)
    {
        this.file = file;
        this.lockChannel = lockChannel;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.members = members;
        this.membersBytes = membersBytes;
    }

    /**
     * Open the node state in dir, creating it (term 0, no vote) if absent.
     *
     * @param dir       the node's data directory, created if needed.
     * @param clusterId of the cluster this node belongs to.
     * @param memberId  of this node.
     * @param members   the member list the node was started with (ASCII).
     * @return the open state; close it to release the file and its lock.
     * @throws IllegalStateException    when the file belongs to another member, cluster or member list, is
     *                                  corrupt, or is in use by another process.
     * @throws IllegalArgumentException when members is not ASCII or longer than {@link #MAX_MEMBERS_LENGTH}.
     * @throws UncheckedIOException     when the file cannot be created, read or mapped.
     */
    public static NodeStateFile open(final File dir, final long clusterId, final int memberId, final String members)
    {
        final byte[] membersBytes = asciiBytes(members);
        final File file = new File(dir, FILE_NAME);
        FileChannel lockChannel = null;
        MappedByteBuffer mapped = null;
        try
        {
            Files.createDirectories(dir.toPath());
            if (!file.exists())
            {
                create(dir, file, clusterId, memberId, membersBytes);
            }

            lockChannel = FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = null;
            try
            {
                lock = lockChannel.tryLock();
            }
            catch (final OverlappingFileLockException ignore)
            {
                // held by this process, reported below
            }
            if (null == lock)
            {
                throw new IllegalStateException(
                    "data dir " + dir + " is in use by another raftis node (" + file + " is locked)");
            }

            final long length = lockChannel.size();
            if (FILE_LENGTH != length)
            {
                throw new IllegalStateException(corruptMessage(file, "it has length " + length + ", expected " +
                    FILE_LENGTH));
            }

            mapped = IoUtil.mapExistingFile(file, "node state");
            final NodeStateFile state = new NodeStateFile(
                file, lockChannel, mapped, clusterId, memberId, members, membersBytes);
            state.load(dir);

            return state;
        }
        catch (final IOException ex)
        {
            release(lockChannel, mapped);
            throw new UncheckedIOException("cannot open node state file " + file, ex);
        }
        catch (final RuntimeException ex)
        {
            release(lockChannel, mapped);
            throw ex;
        }
    }

    /**
     * @return the file holding the state.
     */
    public File file()
    {
        return file;
    }

    /**
     * @return the cluster id the data dir was created for.
     */
    public long clusterId()
    {
        return clusterId;
    }

    /**
     * @return the member id the data dir was created for.
     */
    public int memberId()
    {
        return memberId;
    }

    /**
     * @return the member list the data dir was created with.
     */
    public String members()
    {
        return members;
    }

    /**
     * {@inheritDoc}
     */
    public long currentTerm()
    {
        return currentTerm;
    }

    /**
     * @return the member voted for in {@link #currentTerm()}, or {@link #NO_VOTE}.
     */
    public int votedFor()
    {
        return votedFor;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Does nothing when neither changes. The write goes to the slot not holding the current state and is forced
     * before this returns.
     *
     * @throws IllegalArgumentException when term is lower than {@link #currentTerm()}.
     */
    public void update(final long term, final int votedFor)
    {
        if (closed)
        {
            throw new IllegalStateException("node state file " + file + " is closed");
        }
        if (term < currentTerm)
        {
            throw new IllegalArgumentException("term must not decrease: " + term + " < " + currentTerm);
        }
        if (term == currentTerm && votedFor == this.votedFor)
        {
            return;
        }

        final int slot = 1 - currentSlot;
        final long nextSequence = sequence + 1;
        encodeSlot(buffer, slot * SLOT_LENGTH, nextSequence, term, votedFor);
        mapped.force(slot * SLOT_LENGTH, SLOT_LENGTH);

        currentSlot = slot;
        sequence = nextSequence;
        currentTerm = term;
        this.votedFor = votedFor;
    }

    /**
     * Unmap the file and release its lock.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            release(lockChannel, mapped);
        }
    }

    private static void create(
        final File dir, final File file, final long clusterId, final int memberId, final byte[] membersBytes)
        throws IOException
    {
        final File tmp = new File(dir, FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp.toPath());
        final MappedByteBuffer tmpMapped = IoUtil.mapNewFile(tmp, FILE_LENGTH);
        try
        {
            final NodeStateFile writer = new NodeStateFile(
                tmp, null, tmpMapped, clusterId, memberId, null, membersBytes);
            writer.encodeSlot(writer.buffer, 0, 1, 0, NO_VOTE);
            writer.encodeSlot(writer.buffer, SLOT_LENGTH, 0, 0, NO_VOTE);
            tmpMapped.force();
        }
        finally
        {
            IoUtil.unmap(tmpMapped);
        }

        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        FileSupport.syncDirectory(dir);
    }

    private void encodeSlot(
        final UnsafeBuffer buffer, final int slotOffset, final long sequence, final long term, final int votedFor)
    {
        encoder.wrapAndApplyHeader(buffer, slotOffset, headerEncoder)
            .clusterId(clusterId)
            .memberId(memberId)
            .currentTerm(term)
            .votedFor(votedFor)
            .putMembers(membersBytes, 0, membersBytes.length);
        final int end = slotOffset + MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        buffer.setMemory(end, slotOffset + SEQUENCE_OFFSET - end, (byte)0);
        buffer.putLong(slotOffset + SEQUENCE_OFFSET, sequence);
        buffer.putInt(slotOffset + CHECKSUM_OFFSET, EntryFrame.crc32c(buffer, slotOffset, CHECKSUM_OFFSET));
        buffer.putInt(slotOffset + CHECKSUM_OFFSET + 4, 0);
    }

    private void load(final File dir)
    {
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final NodeStateDecoder decoder = new NodeStateDecoder();
        final String[] problems = new String[SLOT_COUNT];
        int bestSlot = -1;
        long bestSequence = Long.MIN_VALUE;
        for (int slot = 0; slot < SLOT_COUNT; slot++)
        {
            problems[slot] = checkSlot(headerDecoder, slot * SLOT_LENGTH);
            if (null == problems[slot])
            {
                final long slotSequence = buffer.getLong(slot * SLOT_LENGTH + SEQUENCE_OFFSET);
                if (slotSequence > bestSequence)
                {
                    bestSequence = slotSequence;
                    bestSlot = slot;
                }
            }
        }

        if (bestSlot < 0)
        {
            throw new IllegalStateException(corruptMessage(file, "slot 0: " + problems[0] + "; slot 1: " +
                problems[1]));
        }

        final int offset = bestSlot * SLOT_LENGTH;
        headerDecoder.wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        final long fileClusterId = decoder.clusterId();
        final int fileMemberId = decoder.memberId();
        final long fileTerm = decoder.currentTerm();
        final int fileVotedFor = decoder.votedFor();
        final String fileMembers = decoder.members();

        if (fileClusterId != clusterId || fileMemberId != memberId || !fileMembers.equals(members))
        {
            throw new IllegalStateException(String.format("data dir %s belongs to member %d of cluster %016x [%s]; " +
                "this node was started as member %d of cluster %016x [%s]: use the member list and cluster secret " +
                "it was created with, or a new data dir",
                dir, fileMemberId, fileClusterId, fileMembers, memberId, clusterId, members));
        }

        currentSlot = bestSlot;
        sequence = bestSequence;
        currentTerm = fileTerm;
        votedFor = fileVotedFor;
    }

    /**
     * @return null when the slot holds a valid state, else what is wrong with it.
     */
    private String checkSlot(final MessageHeaderDecoder headerDecoder, final int offset)
    {
        headerDecoder.wrap(buffer, offset);
        if (NodeStateDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return "bad schema id " + headerDecoder.schemaId() + " (expected " + NodeStateDecoder.SCHEMA_ID + ")";
        }
        if (NodeStateDecoder.TEMPLATE_ID != headerDecoder.templateId())
        {
            return "bad template id " + headerDecoder.templateId() + " (expected " + NodeStateDecoder.TEMPLATE_ID +
                ")";
        }
        if (NodeStateDecoder.BLOCK_LENGTH != headerDecoder.blockLength() || headerDecoder.version() < 1)
        {
            return "bad block length " + headerDecoder.blockLength() + " or version " + headerDecoder.version();
        }

        final int membersLengthOffset =
            offset + MessageHeaderDecoder.ENCODED_LENGTH + NodeStateDecoder.BLOCK_LENGTH;
        final long membersLength = buffer.getInt(membersLengthOffset) & 0xFFFF_FFFFL;
        if (membersLength > MAX_MEMBERS_LENGTH)
        {
            return "bad members length " + membersLength;
        }
        if (EntryFrame.crc32c(buffer, offset, CHECKSUM_OFFSET) != buffer.getInt(offset + CHECKSUM_OFFSET))
        {
            return "checksum mismatch";
        }

        return null;
    }

    private static String corruptMessage(final File file, final String detail)
    {
        return "node state file " + file + " is corrupt (" + detail + "): the node cannot know its term and vote." +
            " Restore the file from a backup, or remove the node's data dir so that it rejoins empty and catches" +
            " up from the leader (only while the rest of the cluster has a quorum)";
    }

    private static byte[] asciiBytes(final String members)
    {
        for (int i = 0, length = members.length(); i < length; i++)
        {
            if (members.charAt(i) > 127)
            {
                throw new IllegalArgumentException("members must be ASCII: " + members);
            }
        }
        if (members.length() > MAX_MEMBERS_LENGTH)
        {
            throw new IllegalArgumentException(
                "members list of " + members.length() + " chars exceeds the maximum of " + MAX_MEMBERS_LENGTH);
        }

        return members.getBytes(StandardCharsets.US_ASCII);
    }

    private static void release(final FileChannel channel, final MappedByteBuffer mapped)
    {
        if (null != mapped)
        {
            IoUtil.unmap(mapped);
        }
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // closing releases the lock; nothing more can be done
            }
        }
    }
}
