package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import org.agrona.MutableDirectBuffer;

/**
 * Turns a command whose effect is random (SPOP) into the deterministic command that has the effect the leader chose,
 * before it enters the log, as Redis replicates SPOP as the SREM of what it popped. The leader calls it against its
 * keyspace once everything proposed before is applied, so the state it decides against is the state the entry is
 * applied to on every member. It must not change the keyspace.
 */
@FunctionalInterface
public interface CommandRewriter
{
    /**
     * @param args     the parsed command, arity and syntax checked.
     * @param keyspace the connection's database, at the leader's time, changed by nothing since the last entry.
     * @param dst      where the deterministic command goes, as a RESP array naming a command of the internal table
     *                 (see {@link DataCommands#registerInternal(CommandTable)}).
     * @param offset   where in dst it starts.
     * @param out      the client's reply, written only when nothing is to be logged.
     * @return where the command ends in dst, or -1 if the reply is written to out and nothing goes into the log (an
     * SPOP of a missing key, a key of another type, a count of 0).
     */
    int rewrite(RespParser args, Keyspace keyspace, MutableDirectBuffer dst, int offset, RespWriter out);
}
