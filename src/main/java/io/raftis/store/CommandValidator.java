package io.raftis.store;

import io.raftis.resp.RespParser;

/**
 * Checks the syntax of a command's arguments without looking at a keyspace, so a write that can only fail can be
 * answered before it is proposed to the log. Arity has already been checked when it is called.
 */
@FunctionalInterface
public interface CommandValidator
{
    /**
     * @param args the parsed command: argument 0 is the command name.
     * @return null if the arguments are valid, else the full error message, e.g. "ERR syntax error".
     */
    String validate(RespParser args);
}
