package io.raftis.transport;

/**
 * What the transport has done, for INFO. Plain fields: one thread writes and reads them.
 */
public final class TransportCounters
{
    public long messagesSent;
    public long messagesReceived;
    public long backPressured;
    public long notConnected;
    public long foreignClusterMessages;
    /** Fragments whose MAC is wrong or missing: sent by no holder of the cluster secret, or damaged. */
    public long unauthenticatedMessages;
    /** Authenticated messages of another schema, template or an older version. */
    public long unknownMessages;
    /** Authenticated messages whose lengths or values do not fit their fragment or type. */
    public long malformedMessages;
}
