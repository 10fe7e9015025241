package io.raftis.store;

/**
 * Redis's shared error replies, exactly as Redis 7 sends them (without the leading '-' and trailing CRLF that
 * {@link io.raftis.resp.RespWriter#error(String)} adds).
 */
public final class ErrorReplies
{
    /**
     * A command met a key of a type it cannot operate on.
     */
    public static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    /**
     * An option was not recognised or options were combined in a way that is not allowed.
     */
    public static final String SYNTAX_ERROR = "ERR syntax error";

    /**
     * An argument or a stored value is not a valid 64-bit signed integer.
     */
    public static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";

    /**
     * INCR, DECR, INCRBY or DECRBY would leave the range of a 64-bit signed integer.
     */
    public static final String INCREMENT_OVERFLOW = "ERR increment or decrement would overflow";

    /**
     * DECRBY was given the one decrement that cannot be negated: -9223372036854775808.
     */
    public static final String DECREMENT_OVERFLOW = "ERR decrement would overflow";

    /**
     * A string would grow beyond the maximum string length (Redis's proto-max-bulk-len).
     */
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    /**
     * A stored value or an increment that INCRBYFLOAT cannot read as a float.
     */
    public static final String NOT_A_FLOAT = "ERR value is not a valid float";

    /**
     * INCRBYFLOAT or HINCRBYFLOAT would store NaN or an infinity.
     */
    public static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";

    private ErrorReplies()
    {
    }

    /**
     * @param command as Redis names it in the error, in lower case.
     * @return Redis's error for an expiry out of range.
     */
    public static String invalidExpireTime(final String command)
    {
        return "ERR invalid expire time in '" + command + "' command";
    }
}
