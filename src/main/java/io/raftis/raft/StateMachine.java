package io.raftis.raft;

import org.agrona.DirectBuffer;

/**
 * What committed entries are applied to, in index order, exactly once per incarnation of a node.
 */
public interface StateMachine
{
    /**
     * @param type    {@link EntryFrame#TYPE_NOOP} or {@link EntryFrame#TYPE_COMMAND}.
     * @param buffer  holding the payload, valid only during the call.
     */
    void apply(long index, long term, int type, DirectBuffer buffer, int offset, int length);

    /**
     * The node's role, term or known leader changed.
     */
    default void onRoleChange(Role role, long term, int leaderId)
    {
    }
}
