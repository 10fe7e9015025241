package io.raftis.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.raftis.store.CommandDriver.NIL;
import static io.raftis.store.CommandDriver.OK;
import static io.raftis.store.CommandDriver.array;
import static io.raftis.store.CommandDriver.arityError;
import static io.raftis.store.CommandDriver.bulk;
import static io.raftis.store.CommandDriver.bytes;
import static io.raftis.store.CommandDriver.error;
import static io.raftis.store.CommandDriver.integer;
import static io.raftis.store.CommandDriver.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StringCommandsTest
{
    private static final String WRONG_TYPE = error(ErrorReplies.WRONG_TYPE);
    private static final String SYNTAX_ERROR = error("ERR syntax error");
    private static final String NOT_AN_INTEGER = error("ERR value is not an integer or out of range");
    private static final String OVERFLOW = error("ERR increment or decrement would overflow");

    private final CommandDriver driver = new CommandDriver();
    private final Object list = new ArrayList<byte[]>();

    @Test
    void shouldRegisterEveryCommandWithRedisMetadata()
    {
        final String[][] expected =
        {
            // name, arity, flags, first/last/step, categories
            { "get", "2", "readonly,fast", "1,1,1", "@read,@string,@fast" },
            { "set", "-3", "write,denyoom", "1,1,1", "@write,@string,@slow" },
            { "setex", "4", "write,denyoom", "1,1,1", "@write,@string,@slow" },
            { "psetex", "4", "write,denyoom", "1,1,1", "@write,@string,@slow" },
            { "getex", "-2", "write,fast", "1,1,1", "@write,@string,@fast" },
            { "getdel", "2", "write,fast", "1,1,1", "@write,@string,@fast" },
            { "setnx", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "getset", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "del", "-2", "write", "1,-1,1", "@keyspace,@write,@slow" },
            { "exists", "-2", "readonly,fast", "1,-1,1", "@keyspace,@read,@fast" },
            { "mget", "-2", "readonly,fast", "1,-1,1", "@read,@string,@fast" },
            { "mset", "-3", "write,denyoom", "1,-1,2", "@write,@string,@slow" },
            { "msetnx", "-3", "write,denyoom", "1,-1,2", "@write,@string,@slow" },
            { "incr", "2", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "decr", "2", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "incrby", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "decrby", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "incrbyfloat", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "append", "3", "write,denyoom,fast", "1,1,1", "@write,@string,@fast" },
            { "getrange", "4", "readonly", "1,1,1", "@read,@string,@slow" },
            { "substr", "4", "readonly", "1,1,1", "@read,@string,@slow" },
            { "setrange", "4", "write,denyoom", "1,1,1", "@write,@string,@slow" },
            { "strlen", "2", "readonly,fast", "1,1,1", "@read,@string,@fast" },
            { "lcs", "-3", "readonly", "1,2,1", "@read,@string,@slow" },
            { "dbsize", "1", "readonly,fast", "0,0,0", "@keyspace,@read,@fast" },
            { "flushdb", "-1", "write", "0,0,0", "@keyspace,@write,@slow,@dangerous" },
            { "flushall", "-1", "write", "0,0,0", "@keyspace,@write,@slow,@dangerous" },
            { "expire", "-3", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "pexpire", "-3", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "expireat", "-3", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "pexpireat", "-3", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "ttl", "2", "readonly,fast", "1,1,1", "@keyspace,@read,@fast" },
            { "pttl", "2", "readonly,fast", "1,1,1", "@keyspace,@read,@fast" },
            { "expiretime", "2", "readonly,fast", "1,1,1", "@keyspace,@read,@fast" },
            { "pexpiretime", "2", "readonly,fast", "1,1,1", "@keyspace,@read,@fast" },
            { "persist", "2", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "type", "2", "readonly,fast", "1,1,1", "@keyspace,@read,@fast" },
            { "keys", "2", "readonly", "0,0,0", "@keyspace,@read,@slow,@dangerous" },
            { "scan", "-2", "readonly", "0,0,0", "@keyspace,@read,@slow" },
            { "randomkey", "1", "readonly", "0,0,0", "@keyspace,@read,@slow" },
            { "rename", "3", "write", "1,2,1", "@keyspace,@write,@slow" },
            { "renamenx", "3", "write,fast", "1,2,1", "@keyspace,@write,@fast" },
            { "copy", "-3", "write,denyoom", "1,2,1", "@keyspace,@write,@slow" },
            { "unlink", "-2", "write,fast", "1,-1,1", "@keyspace,@write,@fast" },
            { "touch", "-2", "readonly,fast", "1,-1,1", "@keyspace,@read,@fast" },
            { "move", "3", "write,fast", "1,1,1", "@keyspace,@write,@fast" },
            { "swapdb", "3", "write,fast", "0,0,0", "@keyspace,@write,@fast,@dangerous" },
            { "hset", "-4", "write,denyoom,fast", "1,1,1", "@write,@hash,@fast" },
            { "hsetnx", "4", "write,denyoom,fast", "1,1,1", "@write,@hash,@fast" },
            { "hget", "3", "readonly,fast", "1,1,1", "@read,@hash,@fast" },
            { "hmset", "-4", "write,denyoom,fast", "1,1,1", "@write,@hash,@fast" },
            { "hmget", "-3", "readonly,fast", "1,1,1", "@read,@hash,@fast" },
            { "hincrby", "4", "write,denyoom,fast", "1,1,1", "@write,@hash,@fast" },
            { "hincrbyfloat", "4", "write,denyoom,fast", "1,1,1", "@write,@hash,@fast" },
            { "hdel", "-3", "write,fast", "1,1,1", "@write,@hash,@fast" },
            { "hlen", "2", "readonly,fast", "1,1,1", "@read,@hash,@fast" },
            { "hstrlen", "3", "readonly,fast", "1,1,1", "@read,@hash,@fast" },
            { "hkeys", "2", "readonly", "1,1,1", "@read,@hash,@slow" },
            { "hvals", "2", "readonly", "1,1,1", "@read,@hash,@slow" },
            { "hgetall", "2", "readonly", "1,1,1", "@read,@hash,@slow" },
            { "hexists", "3", "readonly,fast", "1,1,1", "@read,@hash,@fast" },
            { "hrandfield", "-2", "readonly", "1,1,1", "@read,@hash,@slow" },
            { "hscan", "-3", "readonly", "1,1,1", "@read,@hash,@slow" },
            { "lpush", "-3", "write,denyoom,fast", "1,1,1", "@write,@list,@fast" },
            { "rpush", "-3", "write,denyoom,fast", "1,1,1", "@write,@list,@fast" },
            { "lpushx", "-3", "write,denyoom,fast", "1,1,1", "@write,@list,@fast" },
            { "rpushx", "-3", "write,denyoom,fast", "1,1,1", "@write,@list,@fast" },
            { "lpop", "-2", "write,fast", "1,1,1", "@write,@list,@fast" },
            { "rpop", "-2", "write,fast", "1,1,1", "@write,@list,@fast" },
            { "llen", "2", "readonly,fast", "1,1,1", "@read,@list,@fast" },
            { "lindex", "3", "readonly", "1,1,1", "@read,@list,@slow" },
            { "lset", "4", "write,denyoom", "1,1,1", "@write,@list,@slow" },
            { "lrange", "4", "readonly", "1,1,1", "@read,@list,@slow" },
            { "ltrim", "4", "write", "1,1,1", "@write,@list,@slow" },
            { "linsert", "5", "write,denyoom", "1,1,1", "@write,@list,@slow" },
            { "lrem", "4", "write", "1,1,1", "@write,@list,@slow" },
            { "lpos", "-3", "readonly", "1,1,1", "@read,@list,@slow" },
            { "lmove", "5", "write,denyoom", "1,2,1", "@write,@list,@slow" },
            { "rpoplpush", "3", "write,denyoom", "1,2,1", "@write,@list,@slow" },
            { "lmpop", "-4", "write,movablekeys", "0,0,0", "@write,@list,@slow" },
            { "blpop", "-3", "write,noscript,blocking", "1,-2,1", "@write,@list,@slow,@blocking" },
            { "brpop", "-3", "write,noscript,blocking", "1,-2,1", "@write,@list,@slow,@blocking" },
            { "brpoplpush", "4", "write,denyoom,noscript,blocking", "1,2,1", "@write,@list,@slow,@blocking" },
            { "blmove", "6", "write,denyoom,noscript,blocking", "1,2,1", "@write,@list,@slow,@blocking" },
            { "blmpop", "-5", "write,blocking,movablekeys", "0,0,0", "@write,@list,@slow,@blocking" },
            { "sadd", "-3", "write,denyoom,fast", "1,1,1", "@write,@set,@fast" },
            { "srem", "-3", "write,fast", "1,1,1", "@write,@set,@fast" },
            { "smove", "4", "write,fast", "1,2,1", "@write,@set,@fast" },
            { "sismember", "3", "readonly,fast", "1,1,1", "@read,@set,@fast" },
            { "smismember", "-3", "readonly,fast", "1,1,1", "@read,@set,@fast" },
            { "scard", "2", "readonly,fast", "1,1,1", "@read,@set,@fast" },
            { "srandmember", "-2", "readonly", "1,1,1", "@read,@set,@slow" },
            { "sinter", "-2", "readonly", "1,-1,1", "@read,@set,@slow" },
            { "sintercard", "-3", "readonly,movablekeys", "0,0,0", "@read,@set,@slow" },
            { "sinterstore", "-3", "write,denyoom", "1,-1,1", "@write,@set,@slow" },
            { "sunion", "-2", "readonly", "1,-1,1", "@read,@set,@slow" },
            { "sunionstore", "-3", "write,denyoom", "1,-1,1", "@write,@set,@slow" },
            { "sdiff", "-2", "readonly", "1,-1,1", "@read,@set,@slow" },
            { "sdiffstore", "-3", "write,denyoom", "1,-1,1", "@write,@set,@slow" },
            { "smembers", "2", "readonly", "1,1,1", "@read,@set,@slow" },
            { "sscan", "-3", "readonly", "1,1,1", "@read,@set,@slow" },
            { "spop", "-2", "write,fast", "1,1,1", "@write,@set,@fast" },
            { "zadd", "-4", "write,denyoom,fast", "1,1,1", "@write,@sortedset,@fast" },
            { "zincrby", "4", "write,denyoom,fast", "1,1,1", "@write,@sortedset,@fast" },
            { "zrem", "-3", "write,fast", "1,1,1", "@write,@sortedset,@fast" },
            { "zcard", "2", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zscore", "3", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zmscore", "-3", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zrank", "3", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zrevrank", "3", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zpopmin", "-2", "write,fast", "1,1,1", "@write,@sortedset,@fast" },
            { "zpopmax", "-2", "write,fast", "1,1,1", "@write,@sortedset,@fast" },
            { "zmpop", "-4", "write,movablekeys", "0,0,0", "@write,@sortedset,@slow" },
            { "zrandmember", "-2", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zscan", "-3", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zcount", "4", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zlexcount", "4", "readonly,fast", "1,1,1", "@read,@sortedset,@fast" },
            { "zrange", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zrangestore", "-5", "write,denyoom", "1,2,1", "@write,@sortedset,@slow" },
            { "zrevrange", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zrangebyscore", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zrevrangebyscore", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zrangebylex", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zrevrangebylex", "-4", "readonly", "1,1,1", "@read,@sortedset,@slow" },
            { "zremrangebyrank", "4", "write", "1,1,1", "@write,@sortedset,@slow" },
            { "zremrangebyscore", "4", "write", "1,1,1", "@write,@sortedset,@slow" },
            { "zremrangebylex", "4", "write", "1,1,1", "@write,@sortedset,@slow" },
            { "zunion", "-3", "readonly,movablekeys", "0,0,0", "@read,@sortedset,@slow" },
            { "zinter", "-3", "readonly,movablekeys", "0,0,0", "@read,@sortedset,@slow" },
            { "zdiff", "-3", "readonly,movablekeys", "0,0,0", "@read,@sortedset,@slow" },
            { "zunionstore", "-4", "write,denyoom,movablekeys", "1,1,1", "@write,@sortedset,@slow" },
            { "zinterstore", "-4", "write,denyoom,movablekeys", "1,1,1", "@write,@sortedset,@slow" },
            { "zdiffstore", "-4", "write,denyoom,movablekeys", "1,1,1", "@write,@sortedset,@slow" },
            { "zintercard", "-3", "readonly,movablekeys", "0,0,0", "@read,@sortedset,@slow" },
            { "bzpopmin", "-3", "write,noscript,blocking,fast", "1,-2,1", "@write,@sortedset,@fast,@blocking" },
            { "bzpopmax", "-3", "write,noscript,blocking,fast", "1,-2,1", "@write,@sortedset,@fast,@blocking" },
            { "bzmpop", "-5", "write,blocking,movablekeys", "0,0,0", "@write,@sortedset,@slow,@blocking" },
            { "setbit", "4", "write,denyoom", "1,1,1", "@write,@bitmap,@slow" },
            { "getbit", "3", "readonly,fast", "1,1,1", "@read,@bitmap,@fast" },
            { "bitcount", "-2", "readonly", "1,1,1", "@read,@bitmap,@slow" },
            { "bitpos", "-3", "readonly", "1,1,1", "@read,@bitmap,@slow" },
            { "bitop", "-4", "write,denyoom", "2,-1,1", "@write,@bitmap,@slow" },
            { "bitfield", "-2", "write,denyoom", "1,1,1", "@write,@bitmap,@slow" },
            { "bitfield_ro", "-2", "readonly,fast", "1,1,1", "@read,@bitmap,@fast" },
            { "pfadd", "-2", "write,denyoom,fast", "1,1,1", "@write,@hyperloglog,@fast" },
            { "pfcount", "-2", "write", "1,-1,1", "@write,@hyperloglog,@slow" },
            { "pfmerge", "-2", "write,denyoom", "1,-1,1", "@write,@hyperloglog,@slow" },
            { "geoadd", "-5", "write,denyoom", "1,1,1", "@write,@geo,@slow" },
            { "georadius", "-6", "write,denyoom,movablekeys", "1,1,1", "@write,@geo,@slow" },
            { "georadius_ro", "-6", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "georadiusbymember", "-5", "write,denyoom,movablekeys", "1,1,1", "@write,@geo,@slow" },
            { "georadiusbymember_ro", "-5", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "geohash", "-2", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "geopos", "-2", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "geodist", "-4", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "geosearch", "-7", "readonly", "1,1,1", "@read,@geo,@slow" },
            { "geosearchstore", "-8", "write,denyoom", "1,2,1", "@write,@geo,@slow" },
            { "debug", "-2", "admin,noscript,loading,stale", "0,0,0", "@admin,@slow,@dangerous" },
            { "object", "-2", "readonly", "2,2,1", "@keyspace,@read,@slow" },
            { "memory", "-2", "readonly", "2,2,1", "@read,@slow" },
            { "dump", "2", "readonly", "1,1,1", "@keyspace,@read,@slow" },
            { "restore", "-4", "write,denyoom", "1,1,1", "@keyspace,@write,@slow,@dangerous" },
            { "sort", "-2", "write,denyoom,movablekeys", "1,1,1", "@write,@set,@sortedset,@list,@slow,@dangerous" },
            { "sort_ro", "-2", "readonly,movablekeys", "1,1,1", "@read,@set,@sortedset,@list,@slow,@dangerous" },
        };

        assertEquals(expected.length, driver.table.size());
        for (int i = 0; i < expected.length; i++)
        {
            final Command command = driver.table.command(i);
            final String[] row = expected[i];
            assertEquals(row[0], command.name());
            assertEquals(Integer.parseInt(row[1]), command.arity(), row[0]);
            assertEquals(row[2], String.join(",", command.flagNames()), row[0]);
            assertEquals(row[3], command.firstKey() + "," + command.lastKey() + "," + command.step(), row[0]);
            assertEquals(row[4], String.join(",", command.categoryNames()), row[0]);
            assertEquals(row[2].startsWith("write"), command.isWrite(), row[0]);
            assertEquals(row[2].startsWith("readonly"), command.isReadOnly(), row[0]);
        }
    }

    @Test
    void shouldAnswerWrongNumberOfArgumentsForEveryCommand()
    {
        assertEquals(arityError("get"), driver.call("GET"));
        assertEquals(arityError("get"), driver.call("get", "a", "b"));
        assertEquals(arityError("set"), driver.call("SET", "k"));
        assertEquals(arityError("setnx"), driver.call("SETNX", "k"));
        assertEquals(arityError("getset"), driver.call("GETSET", "k", "v", "w"));
        assertEquals(arityError("del"), driver.call("DEL"));
        assertEquals(arityError("exists"), driver.call("EXISTS"));
        assertEquals(arityError("mget"), driver.call("MGET"));
        assertEquals(arityError("mset"), driver.call("MSET", "k"));
        assertEquals(arityError("incr"), driver.call("INCR"));
        assertEquals(arityError("decr"), driver.call("DECR", "a", "b"));
        assertEquals(arityError("incrby"), driver.call("INCRBY", "k"));
        assertEquals(arityError("decrby"), driver.call("DECRBY", "k"));
        assertEquals(arityError("append"), driver.call("APPEND", "k"));
        assertEquals(arityError("strlen"), driver.call("STRLEN"));
        assertEquals(arityError("msetnx"), driver.call("MSETNX", "k"));
        assertEquals(arityError("msetnx"), driver.call("MSETNX", "k", "v", "k2"));
        assertEquals(arityError("incrbyfloat"), driver.call("INCRBYFLOAT", "k"));
        assertEquals(arityError("getrange"), driver.call("GETRANGE", "k", "0"));
        assertEquals(arityError("substr"), driver.call("SUBSTR", "k", "0", "1", "2"));
        assertEquals(arityError("setrange"), driver.call("SETRANGE", "k", "0"));
        assertEquals(arityError("lcs"), driver.call("LCS", "k"));
        assertEquals(arityError("dbsize"), driver.call("DBSIZE", "x"));
        assertEquals(0, driver.keyspace.size());
    }

    @Test
    void shouldGetNilForMissingKey()
    {
        assertEquals(NIL, driver.call("GET", "missing"));
    }

    @Test
    void shouldSetAndGetValue()
    {
        assertEquals(OK, driver.call("SET", "k", "hello"));
        assertEquals(bulk("hello"), driver.call("GET", "k"));
        assertEquals(OK, driver.call("set", "k", ""));
        assertEquals(bulk(""), driver.call("get", "k"));
    }

    @Test
    void shouldAnswerWrongTypeForGetOfNonString()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(WRONG_TYPE, driver.call("GET", "l"));
    }

    @Test
    void shouldSetOverValueOfAnyType()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(OK, driver.call("SET", "l", "now a string"));
        assertEquals(bulk("now a string"), driver.call("GET", "l"));
    }

    @Test
    void shouldSetWithNxOnlyWhenKeyIsMissing()
    {
        assertEquals(OK, driver.call("SET", "k", "1", "NX"));
        assertEquals(NIL, driver.call("SET", "k", "2", "nx"));
        assertEquals(bulk("1"), driver.call("GET", "k"));

        driver.keyspace.put(bytes("l"), list);
        assertEquals(NIL, driver.call("SET", "l", "2", "NX"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldSetWithXxOnlyWhenKeyExists()
    {
        assertEquals(NIL, driver.call("SET", "k", "1", "XX"));
        assertEquals(NIL, driver.call("GET", "k"));
        assertEquals(0, driver.keyspace.size());

        driver.call("SET", "k", "1");
        assertEquals(OK, driver.call("SET", "k", "2", "xX"));
        assertEquals(bulk("2"), driver.call("GET", "k"));
    }

    @Test
    void shouldSetWithGetReplyingOldValue()
    {
        assertEquals(NIL, driver.call("SET", "k", "1", "GET"));
        assertEquals(bulk("1"), driver.call("GET", "k"));
        assertEquals(bulk("1"), driver.call("SET", "k", "2", "get"));
        assertEquals(bulk("2"), driver.call("GET", "k"));
    }

    @Test
    void shouldSetWithNxAndGetAsRedis7Does()
    {
        assertEquals(NIL, driver.call("SET", "k", "1", "NX", "GET"));
        assertEquals(bulk("1"), driver.call("GET", "k"));
        assertEquals(bulk("1"), driver.call("SET", "k", "2", "GET", "NX"));
        assertEquals(bulk("1"), driver.call("GET", "k"));
    }

    @Test
    void shouldSetWithXxAndGetOnlyWhenKeyExists()
    {
        assertEquals(NIL, driver.call("SET", "k", "1", "XX", "GET"));
        assertEquals(0, driver.keyspace.size());

        driver.call("SET", "k", "1");
        assertEquals(bulk("1"), driver.call("SET", "k", "2", "GET", "XX"));
        assertEquals(bulk("2"), driver.call("GET", "k"));
    }

    @Test
    void shouldAnswerWrongTypeForSetWithGetOverNonStringAndLeaveIt()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(WRONG_TYPE, driver.call("SET", "l", "v", "GET"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldAcceptSetOptionsInAnyOrderAndCaseAndRepeated()
    {
        assertEquals(NIL, driver.call("SET", "k", "1", "gEt", "Nx", "nx", "GET"));
        assertEquals(bulk("1"), driver.call("SET", "k", "2", "xx", "get", "XX"));
        assertEquals(bulk("2"), driver.call("GET", "k"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "NX XX", "XX NX", "GET NX XX", "EX 10 PX 100", "PX 100 EX 10", "EXAT 1700000000 PXAT 1700000000000",
        "KEEPTTL EX 10", "PX 10 KEEPTTL", "EX", "NX PX", "EX 10 PERSIST", "nxx", "N", "GETT", "1" })
    void shouldAnswerSyntaxErrorForUnsupportedSetOptionsAndSetNothing(final String options)
    {
        final List<String> args = new ArrayList<>(List.of("SET", "k", "v"));
        args.addAll(List.of(options.split(" ")));

        final String[] request = args.toArray(new String[0]);

        assertEquals(SYNTAX_ERROR, driver.call(request));
        assertEquals(0, driver.keyspace.size());
        assertEquals("ERR syntax error", driver.table.lookup("set").validate(driver.parse(request)));
    }

    @Test
    void shouldValidateSetWithoutKeyspace()
    {
        final Command set = driver.table.lookup("SET");

        assertNull(set.validate(driver.parse("SET", "k", "v", "NX", "GET")));
        assertEquals("ERR wrong number of arguments for 'set' command", set.validate(driver.parse("SET", "k")));
        assertEquals("ERR syntax error", set.validate(driver.parse("SET", "k", "v", "XX", "NX")));
    }

    @Test
    void shouldSetNxOnlyWhenKeyIsMissing()
    {
        assertEquals(integer(1), driver.call("SETNX", "k", "1"));
        assertEquals(integer(0), driver.call("SETNX", "k", "2"));
        assertEquals(bulk("1"), driver.call("GET", "k"));

        driver.keyspace.put(bytes("l"), list);
        assertEquals(integer(0), driver.call("SETNX", "l", "2"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldGetSetReplyingOldValue()
    {
        assertEquals(NIL, driver.call("GETSET", "k", "1"));
        assertEquals(bulk("1"), driver.call("GETSET", "k", "2"));
        assertEquals(bulk("2"), driver.call("GET", "k"));
    }

    @Test
    void shouldAnswerWrongTypeForGetSetOverNonStringAndLeaveIt()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(WRONG_TYPE, driver.call("GETSET", "l", "v"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldDeleteKeysOfAnyTypeCountingEachOnce()
    {
        driver.call("MSET", "a", "1", "b", "2");
        driver.keyspace.put(bytes("l"), list);

        assertEquals(integer(3), driver.call("DEL", "a", "a", "missing", "b", "l"));
        assertEquals(integer(0), driver.call("DEL", "a"));
        assertEquals(0, driver.keyspace.size());
    }

    @Test
    void shouldCountExistingKeysIncludingDuplicates()
    {
        driver.call("SET", "a", "1");
        driver.keyspace.put(bytes("l"), list);

        assertEquals(integer(1), driver.call("EXISTS", "a"));
        assertEquals(integer(0), driver.call("EXISTS", "missing"));
        assertEquals(integer(4), driver.call("EXISTS", "a", "a", "missing", "l", "a"));
    }

    @Test
    void shouldGetManyWithNilForMissingAndNonStringKeys()
    {
        driver.call("MSET", "a", "1", "b", "");
        driver.keyspace.put(bytes("l"), list);

        assertEquals(array(bulk("1"), NIL, bulk(""), NIL, bulk("1")), driver.call("MGET", "a", "x", "b", "l", "a"));
        assertEquals(array(NIL), driver.call("MGET", "missing"));
    }

    @Test
    void shouldSetManyOverwritingAnyTypeLastValueWinning()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(OK, driver.call("MSET", "a", "1", "l", "2", "a", "3"));
        assertEquals(array(bulk("3"), bulk("2")), driver.call("MGET", "a", "l"));
        assertEquals(2, driver.keyspace.size());
    }

    @Test
    void shouldAnswerWrongNumberOfArgumentsForMsetWithKeyWithoutValue()
    {
        assertEquals(arityError("mset"), driver.call("MSET", "a", "1", "b"));
        assertEquals(0, driver.keyspace.size());
        assertEquals("ERR wrong number of arguments for 'mset' command",
            driver.table.lookup("mset").validate(driver.parse("MSET", "a", "1", "b")));
    }

    @Test
    void shouldIncrementAndDecrementStoringDecimalText()
    {
        assertEquals(integer(1), driver.call("INCR", "n"));
        assertEquals(integer(2), driver.call("incr", "n"));
        assertEquals(integer(1), driver.call("DECR", "n"));
        assertEquals(integer(11), driver.call("INCRBY", "n", "10"));
        assertEquals(integer(-4), driver.call("DECRBY", "n", "15"));
        assertEquals(integer(-9), driver.call("INCRBY", "n", "-5"));
        assertEquals(integer(1), driver.call("DECRBY", "n", "-10"));
        assertEquals(bulk("1"), driver.call("GET", "n"));

        assertEquals(integer(-1), driver.call("DECR", "m"));
        assertEquals(bulk("-1"), driver.call("GET", "m"));
        assertEquals(integer(0), driver.call("INCR", "m"));
        assertArrayEquals(bytes("0"), driver.keyspace.getString(bytes("m")));
    }

    @Test
    void shouldIncrementValueSetAsText()
    {
        driver.call("SET", "n", "-9223372036854775808");
        assertEquals(integer(-9223372036854775807L), driver.call("INCR", "n"));
        assertEquals(bulk("-9223372036854775807"), driver.call("GET", "n"));

        driver.call("SET", "n", "9223372036854775806");
        assertEquals(integer(Long.MAX_VALUE), driver.call("INCR", "n"));
        assertEquals(bulk("9223372036854775807"), driver.call("GET", "n"));

        driver.call("SET", "n", "0");
        assertEquals(integer(Long.MIN_VALUE), driver.call("INCRBY", "n", "-9223372036854775808"));
        assertEquals(bulk("-9223372036854775808"), driver.call("GET", "n"));

        driver.call("SET", "n", "100");
        assertEquals(integer(99), driver.call("DECR", "n"));
        assertEquals(integer(-1), driver.call("DECRBY", "n", "100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "abc", " 1", "1 ", "+1", "01", "-0", "-", "1.0", "1e3", "0x10", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901", "1\0", "\u00001" })
    void shouldAnswerNotAnIntegerForValueThatIsNotOneAndLeaveIt(final String value)
    {
        driver.call(bytes("SET"), bytes("n"), bytes(value));

        assertEquals(NOT_AN_INTEGER, driver.call("INCR", "n"));
        assertEquals(NOT_AN_INTEGER, driver.call("DECR", "n"));
        assertEquals(NOT_AN_INTEGER, driver.call("INCRBY", "n", "1"));
        assertEquals(NOT_AN_INTEGER, driver.call("DECRBY", "n", "1"));
        assertEquals(bulk(value), driver.call("GET", "n"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "x", "1.5", "+1", "01", "-0", " 1", "9223372036854775808" })
    void shouldAnswerNotAnIntegerForIncrementThatIsNotOneBeforeLookingAtTheKey(final String increment)
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(NOT_AN_INTEGER, driver.call("INCRBY", "l", increment));
        assertEquals(NOT_AN_INTEGER, driver.call("DECRBY", "n", increment));
        assertEquals(1, driver.keyspace.size());
        assertEquals("ERR value is not an integer or out of range",
            driver.table.lookup("incrby").validate(driver.parse("INCRBY", "n", increment)));
    }

    @Test
    void shouldAnswerOverflowAndLeaveValue()
    {
        driver.call("SET", "max", "9223372036854775807");
        driver.call("SET", "min", "-9223372036854775808");

        assertEquals(OVERFLOW, driver.call("INCR", "max"));
        assertEquals(OVERFLOW, driver.call("INCRBY", "max", "9223372036854775807"));
        assertEquals(OVERFLOW, driver.call("DECRBY", "max", "-1"));
        assertEquals(OVERFLOW, driver.call("DECR", "min"));
        assertEquals(OVERFLOW, driver.call("INCRBY", "min", "-1"));
        assertEquals(OVERFLOW, driver.call("DECRBY", "min", "1"));
        assertEquals(bulk("9223372036854775807"), driver.call("GET", "max"));
        assertEquals(bulk("-9223372036854775808"), driver.call("GET", "min"));

        assertEquals(integer(-1), driver.call("INCRBY", "max", "-9223372036854775808"));
        assertEquals(integer(-1), driver.call("DECRBY", "min", "-9223372036854775807"));
    }

    @Test
    void shouldAnswerDecrementOverflowForDecrbyOfSmallestLong()
    {
        assertEquals(error("ERR decrement would overflow"), driver.call("DECRBY", "n", "-9223372036854775808"));
        assertEquals(0, driver.keyspace.size());
        assertEquals("ERR decrement would overflow",
            driver.table.lookup("decrby").validate(driver.parse("DECRBY", "n", "-9223372036854775808")));
    }

    @Test
    void shouldAnswerWrongTypeForIncrementOfNonString()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(WRONG_TYPE, driver.call("INCR", "l"));
        assertEquals(WRONG_TYPE, driver.call("DECR", "l"));
        assertEquals(WRONG_TYPE, driver.call("INCRBY", "l", "2"));
        assertEquals(WRONG_TYPE, driver.call("DECRBY", "l", "2"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldAppendReplyingNewLength()
    {
        assertEquals(integer(5), driver.call("APPEND", "k", "hello"));
        assertEquals(integer(11), driver.call("APPEND", "k", " world"));
        assertEquals(integer(11), driver.call("APPEND", "k", ""));
        assertEquals(bulk("hello world"), driver.call("GET", "k"));

        driver.call("INCR", "n");
        assertEquals(integer(3), driver.call("APPEND", "n", "00"));
        assertEquals(integer(101), driver.call("INCR", "n"));
    }

    @Test
    void shouldAnswerWrongTypeForAppendToNonString()
    {
        driver.keyspace.put(bytes("l"), list);

        assertEquals(WRONG_TYPE, driver.call("APPEND", "l", "x"));
        assertSame(list, driver.keyspace.get(bytes("l")));
    }

    @Test
    void shouldRefuseAppendBeyondMaximumStringLength()
    {
        final CommandDriver driver = new CommandDriver(new Keyspace(), 8);

        assertEquals(integer(5), driver.call("APPEND", "k", "12345"));
        assertEquals(integer(8), driver.call("APPEND", "k", "678"));
        assertEquals(error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
            driver.call("APPEND", "k", "9"));
        assertEquals(bulk("12345678"), driver.call("GET", "k"));
    }

    @Test
    void shouldRejectInvalidMaximumStringLength()
    {
        assertThrows(IllegalArgumentException.class, () -> StringCommands.register(new CommandTable(), 0));
        assertThrows(IllegalArgumentException.class,
            () -> StringCommands.register(new CommandTable(), StringCommands.MAX_ARRAY_LENGTH + 1));
    }

    @Test
    void shouldReplyStringLength()
    {
        assertEquals(integer(0), driver.call("STRLEN", "missing"));
        driver.call("SET", "k", "hello");
        assertEquals(integer(5), driver.call("STRLEN", "k"));
        driver.call("INCRBY", "n", "-1234");
        assertEquals(integer(5), driver.call("STRLEN", "n"));

        driver.keyspace.put(bytes("l"), list);
        assertEquals(WRONG_TYPE, driver.call("STRLEN", "l"));
    }

    @Test
    void shouldReplyNumberOfKeys()
    {
        assertEquals(integer(0), driver.call("DBSIZE"));
        driver.call("MSET", "a", "1", "b", "2");
        driver.keyspace.put(bytes("l"), list);
        assertEquals(integer(3), driver.call("dbsize"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "FLUSHDB", "FLUSHALL", "flushdb ASYNC", "flushall sync", "FLUSHALL Async", "FLUSHDB SYNC" })
    void shouldFlushEveryKey(final String command)
    {
        driver.call("MSET", "a", "1", "b", "2");
        driver.keyspace.put(bytes("l"), list);

        assertEquals(OK, driver.call(command.split(" ")));
        assertEquals(integer(0), driver.call("DBSIZE"));
        assertEquals(NIL, driver.call("GET", "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "FLUSHDB LAZY", "FLUSHALL ASYNC SYNC", "FLUSHDB SYNC SYNC", "FLUSHALL ASYNCX" })
    void shouldAnswerSyntaxErrorForUnknownFlushOptionAndFlushNothing(final String command)
    {
        driver.call("SET", "a", "1");

        assertEquals(SYNTAX_ERROR, driver.call(command.split(" ")));
        assertEquals(integer(1), driver.call("DBSIZE"));
    }

    @Test
    void shouldHandleBinaryKeysAndValuesWithNulAndCrLf()
    {
        final byte[] key = { 'k', 0, '\r', '\n', (byte)0xFF, 0 };
        final byte[] otherKey = { 'k', 0, '\r', '\n', (byte)0xFF };
        final byte[] value = { 0, '\r', '\n', '$', '3', '\r', '\n', (byte)0x80, 0 };

        assertEquals(OK, driver.call(bytes("SET"), key, value));
        assertEquals(bulk(string(value)), driver.call(bytes("GET"), key));
        assertEquals(NIL, driver.call(bytes("GET"), otherKey));
        assertEquals(integer(value.length), driver.call(bytes("STRLEN"), key));
        assertEquals(integer(value.length + 2), driver.call(bytes("APPEND"), key, new byte[]{ '\r', 0 }));
        assertEquals(array(bulk(string(value) + "\r\0"), NIL), driver.call(bytes("MGET"), key, otherKey));
        assertEquals(integer(1), driver.call(bytes("EXISTS"), key, otherKey));
        assertEquals(integer(1), driver.call(bytes("SETNX"), otherKey, new byte[]{ 0 }));
        assertEquals(bulk("\0"), driver.call(bytes("GETSET"), otherKey, new byte[0]));
        assertEquals(integer(2), driver.call(bytes("DEL"), key, otherKey));
        assertEquals(integer(0), driver.call("DBSIZE"));
    }

    @Test
    void shouldExecuteInlineCommands()
    {
        assertEquals(OK, driver.inline("set \"k\\x00\\r\\n\" 'v a l'"));
        assertEquals(bulk("v a l"), driver.call("GET", "k\0\r\n"));
        assertEquals(integer(1), driver.inline("incr n"));
        assertEquals(bulk("v a l"), driver.inline("GET \"k\\x00\\r\\n\""));
        assertEquals(integer(1), driver.inline("  del    \"k\\x00\\r\\n\"  "));
    }

    @Test
    void shouldAnswerUnknownCommandForCommandsNotRegistered()
    {
        assertEquals(error("ERR unknown command 'GETX', with args beginning with: 'k' "), driver.call("GETX", "k"));
        assertEquals(error("ERR unknown command 'xadd', with args beginning with: 'k' '1' 'v' "),
            driver.call("xadd", "k", "1", "v"));
    }

    @Test
    void shouldGetRangesAsRedisClampsThem()
    {
        driver.call("SET", "s", "This is a string");
        assertEquals(bulk("This"), driver.call("GETRANGE", "s", "0", "3"));
        assertEquals(bulk("ing"), driver.call("GETRANGE", "s", "-3", "-1"));
        assertEquals(bulk("This is a string"), driver.call("GETRANGE", "s", "0", "-1"));
        assertEquals(bulk("string"), driver.call("GETRANGE", "s", "10", "100"));
        assertEquals(bulk(""), driver.call("GETRANGE", "s", "-1", "-5"));
        assertEquals(bulk(""), driver.call("GETRANGE", "s", "5", "3"));
        assertEquals(bulk("T"), driver.call("GETRANGE", "s", "-100", "-99"));
        assertEquals(bulk("Thi"), driver.call("SUBSTR", "s", "-100", "2"));
        assertEquals(bulk(""), driver.call("GETRANGE", "missing", "0", "-1"));
        assertEquals(NOT_AN_INTEGER, driver.call("GETRANGE", "s", "x", "1"));
        assertEquals(NOT_AN_INTEGER, driver.call("GETRANGE", "missing", "0", "x"));
        driver.call("SET", "e", "");
        assertEquals(bulk(""), driver.call("GETRANGE", "e", "0", "-1"));

        driver.call("SET", "n", "12345"); // Redis keeps it as an integer, and reads its decimal text
        assertEquals(bulk("23"), driver.call("GETRANGE", "n", "1", "2"));
        driver.call("INCR", "n");
        assertEquals(bulk("346"), driver.call("SUBSTR", "n", "-3", "-1"));

        driver.keyspace.put(bytes("l"), list);
        assertEquals(WRONG_TYPE, driver.call("GETRANGE", "l", "0", "1"));
        assertEquals(NOT_AN_INTEGER, driver.call("GETRANGE", "l", "0", "x"), "the arguments before the type");
    }

    @Test
    void shouldSetRangesGrowingWithZeros()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("SET", "s", "This is a string", "EX", "100");
        assertEquals(integer(16), driver.call("SETRANGE", "s", "10", "STRING"));
        assertEquals(bulk("This is a STRING"), driver.call("GET", "s"));
        assertEquals(integer(19), driver.call("SETRANGE", "s", "16", "!!!"));
        assertEquals(integer(100), driver.call("TTL", "s"), "the string keeps its time to live");

        assertEquals(integer(6), driver.call("SETRANGE", "r", "5", "x"));
        assertEquals(bulk("\0\0\0\0\0x"), driver.call("GET", "r"));
        assertEquals(integer(6), driver.call("SETRANGE", "r", "100", ""));
        assertEquals(integer(0), driver.call("SETRANGE", "missing", "3", ""));
        assertEquals(integer(0), driver.call("EXISTS", "missing"), "writing nothing creates nothing");
        assertEquals(error("ERR offset is out of range"), driver.call("SETRANGE", "s", "-1", "x"));
        assertEquals(NOT_AN_INTEGER, driver.call("SETRANGE", "s", "x", "x"));
        assertEquals(error(ErrorReplies.STRING_TOO_LONG), driver.call("SETRANGE", "s", "536870911", "xx"));
        assertEquals(integer(19), driver.call("STRLEN", "s"));

        driver.keyspace.put(bytes("l"), list);
        assertEquals(WRONG_TYPE, driver.call("SETRANGE", "l", "0", ""));
        assertEquals(error("ERR offset is out of range"), driver.call("SETRANGE", "l", "-1", "x"));
    }

    @Test
    void shouldSetAllOrNoneWithMsetnx()
    {
        assertEquals(integer(1), driver.call("MSETNX", "a", "1", "b", "2"));
        assertEquals(integer(0), driver.call("MSETNX", "b", "3", "c", "4"));
        assertEquals(array(bulk("1"), bulk("2"), NIL), driver.call("MGET", "a", "b", "c"));
        assertEquals(integer(1), driver.call("MSETNX", "x", "1", "x", "2"));
        assertEquals(bulk("2"), driver.call("GET", "x"));
        driver.keyspace.put(bytes("l"), list);
        assertEquals(integer(0), driver.call("MSETNX", "l", "v"), "a key of any type exists");
    }

    @Test
    void shouldFindTheLongestCommonSubsequence()
    {
        driver.call("SET", "k1", "ohmytext");
        driver.call("SET", "k2", "mynewtext");
        assertEquals(bulk("mytext"), driver.call("LCS", "k1", "k2"));
        assertEquals(bulk("mytext"), driver.call("LCS", "k1", "k2", "WITHMATCHLEN"));
        assertEquals(integer(6), driver.call("LCS", "k1", "k2", "LEN"));
        final String matches = "*4\r\n" + bulk("matches");
        assertEquals(matches + array(array(array(integer(4), integer(7)), array(integer(5), integer(8))),
            array(array(integer(2), integer(3)), array(integer(0), integer(1)))) + bulk("len") + integer(6),
            driver.call("LCS", "k1", "k2", "IDX"));
        assertEquals(matches + array(array(array(integer(4), integer(7)), array(integer(5), integer(8)), integer(4)))
            + bulk("len") + integer(6), driver.call("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        assertEquals(matches + array(
            array(array(integer(4), integer(7)), array(integer(5), integer(8)), integer(4)),
            array(array(integer(2), integer(3)), array(integer(0), integer(1)), integer(2))) +
            bulk("len") + integer(6), driver.call("LCS", "k1", "k2", "idx", "minmatchlen", "-5", "withmatchlen"));
        assertEquals(bulk(""), driver.call("LCS", "k1", "missing"));
        assertEquals(matches + array() + bulk("len") + integer(0), driver.call("LCS", "k1", "missing", "IDX"));

        assertEquals(error("ERR If you want both the length and indexes, please just use IDX."),
            driver.call("LCS", "k1", "k2", "LEN", "IDX"));
        assertEquals(SYNTAX_ERROR, driver.call("LCS", "k1", "k2", "BOGUS"));
        assertEquals(SYNTAX_ERROR, driver.call("LCS", "k1", "k2", "MINMATCHLEN"));
        assertEquals(NOT_AN_INTEGER, driver.call("LCS", "k1", "k2", "MINMATCHLEN", "x"));
        driver.keyspace.put(bytes("l"), list);
        assertEquals(error("ERR The specified keys must contain string values"),
            driver.call("LCS", "k1", "l", "BOGUS"));
    }

    @Test
    void shouldWalkLongStringsBackAsRedisDoes()
    {
        // the table is kept a bit a cell whichever string is the longer: both ways round agree with a plain table
        final Random random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            final String a = randomText(random, random.nextInt(40));
            final String b = randomText(random, random.nextInt(40));
            driver.call("SET", "a", a);
            driver.call("SET", "b", b);
            assertEquals(bulk(plainLcs(a, b)), driver.call("LCS", "a", "b"), a + " / " + b);
            assertEquals(bulk(plainLcs(b, a)), driver.call("LCS", "b", "a"), b + " / " + a);
        }
    }

    @Test
    void shouldRefuseWhatRedisWouldNeedTooLargeATableFor()
    {
        final CommandDriver limited = new CommandDriver(new Databases().get(0), 1024);
        limited.call("SET", "a", "x".repeat(15));
        limited.call("SET", "b", "y".repeat(15));
        assertEquals(integer(0), limited.call("LCS", "a", "b", "LEN"), "16 * 16 * 4 bytes: within the limit");
        limited.call("APPEND", "b", "y");
        assertEquals(error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"),
            limited.call("LCS", "a", "b"));
    }

    @Test
    void shouldIncrementByFloatKeepingTheTimeToLive()
    {
        driver.keyspace.clock(1_000, true);
        driver.call("SET", "f", "10.50", "EX", "100");
        assertEquals(bulk("10.6"), driver.call("INCRBYFLOAT", "f", "0.1"));
        assertEquals(integer(100), driver.call("TTL", "f"));
        assertEquals(bulk("-4989.39999999999999991"), driver.call("INCRBYFLOAT", "f", "-5.0e3"));
        assertEquals(bulk("-4989.39999999999999991"), driver.call("GET", "f"));
        assertEquals(bulk("0.5"), driver.call("INCRBYFLOAT", "new", ".5"));
        assertEquals(error(ErrorReplies.NOT_A_FLOAT), driver.call("INCRBYFLOAT", "f", "x"));
        assertEquals(error(ErrorReplies.NAN_OR_INFINITY), driver.call("INCRBYFLOAT", "f", "inf"));
        driver.call("SET", "s", "text");
        assertEquals(error(ErrorReplies.NOT_A_FLOAT), driver.call("INCRBYFLOAT", "s", "1"));
        driver.keyspace.put(bytes("l"), list);
        assertEquals(WRONG_TYPE, driver.call("INCRBYFLOAT", "l", "x"), "the type before the increment");
    }

    private static String randomText(final Random random, final int length)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            text.append((char)('a' + random.nextInt(4)));
        }
        return text.toString();
    }

    /**
     * Redis's LCS as it is written: a full table of lengths, walked back from the end, up when the length above is
     * greater than the length to the left.
     */
    private static String plainLcs(final String a, final String b)
    {
        final int[][] table = new int[a.length() + 1][b.length() + 1];
        for (int i = 1; i <= a.length(); i++)
        {
            for (int j = 1; j <= b.length(); j++)
            {
                table[i][j] = a.charAt(i - 1) == b.charAt(j - 1) ? table[i - 1][j - 1] + 1 :
                    Math.max(table[i - 1][j], table[i][j - 1]);
            }
        }
        final StringBuilder common = new StringBuilder();
        for (int i = a.length(), j = b.length(); i > 0 && j > 0; )
        {
            if (a.charAt(i - 1) == b.charAt(j - 1))
            {
                common.append(a.charAt(i - 1));
                i--;
                j--;
            }
            else if (table[i - 1][j] > table[i][j - 1])
            {
                i--;
            }
            else
            {
                j--;
            }
        }
        return common.reverse().toString();
    }
}
