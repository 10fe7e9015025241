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
    public long unknownMessages;
}
