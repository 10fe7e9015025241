package io.raftis.store;

import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;

/**
 * Executes one command against a keyspace and writes its reply.
 * <p>
 * Called by {@link Command#execute(RespParser, Keyspace, RespWriter)} only after the arity and the command's
 * {@link CommandValidator} have accepted the arguments. It must be deterministic: the same arguments applied to
 * keyspaces with the same content give the same reply and the same change on every node (no clock, no randomness).
 * It may throw {@link WrongTypeException} only before it has written any reply or changed the keyspace.
 */
@FunctionalInterface
public interface CommandExecutor
{
    /**
     * @param args     the parsed command: argument 0 is the command name.
     * @param keyspace to read and change.
     * @param out      to which exactly one reply is written.
     */
    void execute(RespParser args, Keyspace keyspace, RespWriter out);
}
