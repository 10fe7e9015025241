package io.raftis.transport;

import io.raftis.raft.StateMachine;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StateMachine} that remembers what was applied, payloads as ASCII text.
 */
final class RecordingStateMachine implements StateMachine
{
    record Applied(long index, long term, int type, String payload)
    {
    }

    final List<Applied> applied = new ArrayList<>();

    public void apply(
        final long index, final long term, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        applied.add(new Applied(index, term, type, buffer.getStringWithoutLengthAscii(offset, length)));
    }

    boolean hasApplied(final long index, final String payload)
    {
        for (final Applied entry : applied)
        {
            if (entry.index() == index)
            {
                return entry.payload().equals(payload);
            }
        }
        return false;
    }
}
