package io.raftis.log;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeStateFileTest
{
    private static final String MEMBERS = "1=localhost:7001,2=localhost:7002,3=localhost:7003";

    @TempDir
    File dir;

    private File file()
    {
        return new File(dir, NodeStateFile.FILE_NAME);
    }

    private void modifyFile(final Consumer<UnsafeBuffer> change)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file(), "test");
        try
        {
            change.accept(new UnsafeBuffer(mapped));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    @Test
    void shouldCreateTheFileWithTermZeroAndNoVote()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(0, state.currentTerm());
            assertEquals(NodeStateFile.NO_VOTE, state.votedFor());
            assertEquals(42, state.clusterId());
            assertEquals(2, state.memberId());
            assertEquals(MEMBERS, state.members());
            assertTrue(file().exists());
            assertEquals(file(), state.file());
            assertEquals(NodeStateFile.FILE_LENGTH, file().length());
        }
        assertFalse(new File(dir, NodeStateFile.FILE_NAME + ".tmp").exists());
    }

    @Test
    void shouldKeepTermAndVoteAcrossReopen()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            state.update(3, 1);
            assertEquals(3, state.currentTerm());
            assertEquals(1, state.votedFor());
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(3, state.currentTerm());
            assertEquals(1, state.votedFor());
            state.update(4, NodeStateFile.NO_VOTE);
            state.update(4, 3);
            state.update(7, 2);
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(7, state.currentTerm());
            assertEquals(2, state.votedFor());
        }
    }

    @Test
    void shouldRejectADecreasingTerm()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            state.update(5, 1);
            assertThrows(IllegalArgumentException.class, () -> state.update(4, 1));
            assertEquals(5, state.currentTerm());
        }
    }

    @Test
    void shouldRejectAnotherMemberList()
    {
        NodeStateFile.open(dir, 42, 2, MEMBERS).close();

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> NodeStateFile.open(dir, 42, 2, "1=localhost:7001,2=localhost:7002"));
        assertTrue(ex.getMessage().contains("belongs to member 2 of cluster 000000000000002a [" + MEMBERS + "]"),
            ex.getMessage());
        assertTrue(ex.getMessage().contains(
            "use the member list and cluster secret it was created with, or a new data dir"), ex.getMessage());
        assertTrue(ex.getMessage().contains(dir.toString()), ex.getMessage());
    }

    @Test
    void shouldRejectAnotherMemberIdOrCluster()
    {
        NodeStateFile.open(dir, 42, 2, MEMBERS).close();

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 42, 3, MEMBERS));
        assertTrue(ex.getMessage().contains("this node was started as member 3 of cluster 000000000000002a"),
            ex.getMessage());
        final IllegalStateException cluster =
            assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 43, 2, MEMBERS));
        assertTrue(cluster.getMessage().contains("started as member 2 of cluster 000000000000002b"),
            cluster.getMessage());

        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(0, state.currentTerm());
        }
    }

    @Test
    void shouldDetectACorruptFile()
    {
        NodeStateFile.open(dir, 42, 2, MEMBERS).close();
        modifyFile((buffer) ->
        {
            buffer.putShort(4, (short)999);
            buffer.putShort(NodeStateFile.SLOT_LENGTH + 4, (short)999);
        });

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 42, 2, MEMBERS));
        assertTrue(ex.getMessage().contains("is corrupt"), ex.getMessage());
        assertTrue(ex.getMessage().contains("bad schema id 999"), ex.getMessage());
    }

    @Test
    void shouldDetectAFileOfTheWrongLength() throws IOException
    {
        Files.write(file().toPath(), new byte[100]);

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 42, 2, MEMBERS));
        assertTrue(ex.getMessage().contains("is corrupt"), ex.getMessage());
    }

    @Test
    void shouldDetectAnAllZeroFile() throws IOException
    {
        Files.write(file().toPath(), new byte[NodeStateFile.FILE_LENGTH]);

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 42, 2, MEMBERS));
        assertTrue(ex.getMessage().contains("is corrupt"), ex.getMessage());
    }

    @Test
    void shouldFallBackToThePreviousStateWhenTheLastUpdateWasTorn()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            state.update(3, 1);
            state.update(4, 2);
        }

        // the update to term 4 went to slot 0 (creation wrote slot 0, term 3 went to slot 1); tear it
        modifyFile((buffer) ->
        {
            final long term = buffer.getLong(8 + 12);
            assertEquals(4, term);
            buffer.putLong(8 + 12, 0);
        });

        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(3, state.currentTerm());
            assertEquals(1, state.votedFor());
            state.update(5, 3);
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(5, state.currentTerm());
            assertEquals(3, state.votedFor());
        }
    }

    /**
     * A candidate that starts another election keeps its own vote in a new term, and a follower votes in a term it
     * already holds: each changes one of the two, and each must be durable.
     */
    @Test
    void shouldPersistAChangeOfTermAloneAndOfVoteAlone() throws IOException
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            state.update(3, 2);
            state.update(4, 2);
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(4, state.currentTerm(), "a new term with the same vote");
            assertEquals(2, state.votedFor());
            state.update(5, NodeStateFile.NO_VOTE);
            state.update(5, 3);
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(5, state.currentTerm());
            assertEquals(3, state.votedFor(), "a vote in the term it holds");
            final byte[] before = Files.readAllBytes(file().toPath());
            state.update(5, 3);
            assertTrue(Arrays.equals(before, Files.readAllBytes(file().toPath())), "no change, no write");
        }
    }

    @Test
    void shouldWriteTheSlotNotHoldingTheCurrentState()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            for (int term = 1; term <= 5; term++)
            {
                state.update(term, term % 3);
                final long current = term;
                modifyFile((buffer) ->
                {
                    final long slot0 = buffer.getLong(8 + 12);
                    final long slot1 = buffer.getLong(NodeStateFile.SLOT_LENGTH + 8 + 12);
                    assertEquals(current, Math.max(slot0, slot1));
                    assertEquals(current - 1, Math.min(slot0, slot1));
                });
            }
        }
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameDataDir()
    {
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, MEMBERS))
        {
            assertEquals(0, state.currentTerm());
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> NodeStateFile.open(dir, 42, 2, MEMBERS));
            assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
        }
        NodeStateFile.open(dir, 42, 2, MEMBERS).close();
    }

    @Test
    void shouldRejectNonAsciiOrOverlongMembers()
    {
        assertThrows(IllegalArgumentException.class, () -> NodeStateFile.open(dir, 42, 2, "1=h\u00e9te:7001"));
        assertThrows(IllegalArgumentException.class,
            () -> NodeStateFile.open(dir, 42, 2, "x".repeat(NodeStateFile.MAX_MEMBERS_LENGTH + 1)));
        assertFalse(file().exists());

        final String longest = "y".repeat(NodeStateFile.MAX_MEMBERS_LENGTH);
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, longest))
        {
            state.update(1, 2);
        }
        try (NodeStateFile state = NodeStateFile.open(dir, 42, 2, longest))
        {
            assertEquals(1, state.currentTerm());
            assertEquals(longest, state.members());
        }
    }
}
