package io.raftis.store;

import io.raftis.resp.RespParser;

/**
 * The most memory a write may add to the keyspace beyond the bytes of the command itself, for a command whose
 * arguments are small but whose effect need not be: SETBIT at a far offset, BITOP over long strings. The leader counts
 * it among the memory of the writes it has proposed and not yet applied, so that writes pipelined before the first of
 * them applies cannot together pass maxmemory by more than one of them, as Redis's maxmemory allows, nor exhaust the
 * heap of every member at the same entry.
 */
@FunctionalInterface
public interface CommandGrowth
{
    /**
     * Called on the leader only, after the arity and the command's {@link CommandValidator} accepted the arguments.
     *
     * @param args     the parsed command: argument 0 is the command name.
     * @param keyspace the database the command will be applied to, with its clock set for reading: it must not be
     *                 changed.
     * @return an upper bound of the bytes the command may add, 0 if it adds none beyond its own.
     */
    long bytes(RespParser args, Keyspace keyspace);
}
