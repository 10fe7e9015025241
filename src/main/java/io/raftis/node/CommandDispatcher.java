package io.raftis.node;

import io.raftis.config.Configuration.ReadConsistency;
import io.raftis.config.Context;
import io.raftis.config.Member;
import io.raftis.raft.EntryFrame;
import io.raftis.raft.RaftNode;
import io.raftis.raft.Role;
import io.raftis.raft.StateMachine;
import io.raftis.resp.ClientConnection;
import io.raftis.resp.ClientConnections;
import io.raftis.resp.ConnectionHandler;
import io.raftis.resp.RespEncoding;
import io.raftis.resp.RespParser;
import io.raftis.resp.RespWriter;
import io.raftis.store.Acl;
import io.raftis.store.Blocking;
import io.raftis.store.Command;
import io.raftis.store.CommandTable;
import io.raftis.store.DataCommands;
import io.raftis.store.Databases;
import io.raftis.store.ErrorReplies;
import io.raftis.store.Keyspace;
import io.raftis.store.KeyspaceListener;
import io.raftis.store.WrongTypeException;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns client commands into Raft proposals, reads and local answers, and committed entries into replies.
 * <p>
 * Replies on one connection leave in the order its commands came: writes may be pipelined into the log, and any
 * other command waits until the connection's pending writes are applied. A command stays in the connection's input
 * buffer until it is executed or proposed, so a command that has to wait is simply parsed again later.
 * <p>
 * Reads follow the read-consistency setting: {@code linearizable} waits for a ReadIndex barrier shared by every
 * read of the pass, {@code lease} serves while the leader's lease holds, {@code stale} serves on any member.
 * <p>
 * Time is the leader's: every write it proposes carries the leader's clock (never behind a time it stamped, served
 * or applied before), and applying an entry sets the keyspace's clock to it, never backwards, so that EX counts from
 * the same instant and a key expires at the same entry on every member. Reads run against the serving member's
 * clock and change nothing: a key whose time has passed reads as absent. Only the leader removes expired keys
 * ahead of access, by proposing the ones its sweep finds, so that members remove them at the same entry.
 * <p>
 * An entry's payload is the RESP array of the command, preceded for a stamped write by
 * {@link EntryHeader#STAMPED}, the leader's time (8 bytes, little-endian milliseconds since the epoch) and the number
 * of the connection's database (1 byte); an entry of the expiry sweep is {@link EntryHeader#EXPIRED}, the time, the
 * database and the RESP array of the keys found expired. A payload that starts with the array's '*' has no header
 * (ACL changes): it applies to database 0 at the time of the entry before.
 */
final class CommandDispatcher implements ConnectionHandler, StateMachine
{
    /** A connection whose unsent replies exceed this stops executing commands until its socket drains. */
    static final int OUTPUT_LIMIT = 64 * 1024 * 1024;
    private static final byte[] OUTCOME_UNKNOWN =
        ("-UNCERTAIN leadership changed before the write was known to be committed: it may or may not have been " +
        "applied; read the key before retrying\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFERRING =
        "-TRYAGAIN leadership is moving to another member; retry shortly\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PENDING_TRUNCATED =
        "-TRYAGAIN the write was not committed: leadership changed before it was replicated; retry it\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** How often the leader's sweep looks for expired keys, as Redis's active expiry runs at 10 Hz. */
    static final long SWEEP_INTERVAL_MS = 100;
    /** Slots the sweep looks at per run, and the most keys one of its entries removes. */
    static final int SWEEP_SLOTS = 4096;
    static final int SWEEP_KEYS = 128;

    private final Databases databases;
    private final EpochClock epochClock;
    private int sweepDb;
    private final ArrayList<byte[]> sweepKeys = new ArrayList<>();
    private long nextSweepMs;
    private long sweepIndex;
    /** The time of the entries applied so far, never going back. */
    private long appliedTimeMs;
    /** The latest time this member stamped a write with or served a read at. */
    private long stampedTimeMs;
    long expirySweeps;
    private final Acl acl;
    private final CommandTable dataCommands;
    private final CommandTable internalCommands = new CommandTable();
    private final ServerCommands serverCommands;
    private final ErrorHandler errorHandler;
    private final ReadConsistency readConsistency;
    private final byte[][] movedByMember;
    /** The parser of the connection whose command is being dispatched: each connection has its own. */
    private RespParser parser;
    private final RespParser applyParser = new RespParser();
    private final RespWriter discard = new RespWriter(256);
    private ExpandableDirectByteBuffer encoded = new ExpandableDirectByteBuffer(ENCODED_CAPACITY);
    private final EntryParts parts = new EntryParts(MAX_ENTRY_LENGTH);
    private final ArrayList<Session> partsWaiters = new ArrayList<>();
    private UnsafeBuffer partBuffer;
    private PartRun outgoing;
    private int maxPartsInFlight;
    private final ArrayList<Session> readWaiters = new ArrayList<>();
    private final ArrayList<Session> deferred = new ArrayList<>();
    private int passArguments;
    private final ArrayList<Session> resumable = new ArrayList<>();
    private final ArrayList<Session> outputBlocked = new ArrayList<>();
    private final ArrayList<Session> roomWaiters = new ArrayList<>();
    private final int maxPendingWrites;
    private final long maxMemory;
    private final PendingWrites pending = new PendingWrites();
    private final Watches watches;
    private final BlockedClients blocked = new BlockedClients();
    private final RespParser servingParser = new RespParser();
    private final UnsafeBuffer servingBuffer = new UnsafeBuffer(0, 0);
    private long nextBlockedId;
    /** When the leader next has a blocked client to time out or remove: it looks through them no sooner. */
    private long nextUnblockCheckMs = Long.MAX_VALUE;
    private final int memberId;
    long blockedServed;
    long blockedTimedOut;
    /**
     * A connection whose command must be decided against everything proposed before it (an EXEC with watched keys):
     * it waits until the log is applied to its end, and holds back every other proposal meanwhile.
     */
    private Session exclusive;
    long transactionsProposed;
    long transactionsAborted;
    final LatencyStats latency = new LatencyStats();
    private long commandStartNs;
    private Command dispatchedCommand;
    private boolean proposed;
    private RaftNode raft;
    private ClientConnections connections;
    private int maxPayloadLength;
    private final int maxInflightBytes;
    private boolean leader;
    private boolean resolveUncertain;
    private long uncertainAfterIndex;

    long commandsProcessed;
    long writesProposed;
    long readsBarriered;
    long writesWaitedForRoom;
    long writesRefusedByLog;
    long writesRefusedForMemory;
    long deniedCommands;
    long passesOverBudget;
    long runsProposed;
    long runsAbandoned;
    /** A test-only fault: a command that is not a write runs ahead of its connection's pending writes. */
    boolean overtakePendingWrites;
    /** A test-only fault: a write in parts is answered when its first part applies. */
    boolean answerAtFirstPart;

    private static final byte[] ACL = "ACL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SETUSER = "SETUSER".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELUSER = "DELUSER".getBytes(StandardCharsets.US_ASCII);

    /**
     * Arguments of the commands one pass processes at most, over all connections (a few milliseconds of work): a
     * pipeline of a thousand MGETs of a thousand keys each, or many clients' at once, is served over several passes,
     * each of which still sends its heartbeats in time. A pass goes on past it only to finish a command.
     */
    static final int PASS_ARGUMENT_BUDGET = 32 * 1024;

    /**
     * The longest entry the leader proposes, in parts when it is longer than a batch: a command as long as a client's
     * query buffer may be (Redis's client-query-buffer-limit), with its header.
     */
    static final int MAX_ENTRY_LENGTH = ClientConnection.DEFAULT_MAX_QUERY_BUFFER_LENGTH + EntryHeader.BLOCKING_LENGTH;
    private static final int ENCODED_CAPACITY = 1024;

    /** More commands than one transaction entry can hold: beyond what a leader would propose. */
    private static final int MAX_TRANSACTION_COMMANDS = 100_000_000;

    /** Redis's reply, word for word. */
    static final String OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

    /**
     * @return what maxmemory is checked against: the keyspace, the writes pending, the clients' buffers.
     */
    long usedMemory()
    {
        return databases.usedMemory() + pending.bytes() + (null == connections ? 0 : connections.clientMemory());
    }

    /**
     * @return the bytes of the writes this leader appended that are not applied yet.
     */
    long pendingWriteBytes()
    {
        return pending.bytes();
    }

    CommandDispatcher(
        final Context ctx,
        final Databases databases,
        final CommandTable dataCommands,
        final ServerCommands serverCommands,
        final ErrorHandler errorHandler)
    {
        this(ctx, databases, dataCommands, serverCommands, errorHandler, SystemEpochClock.INSTANCE);
    }

    CommandDispatcher(
        final Context ctx,
        final Databases databases,
        final CommandTable dataCommands,
        final ServerCommands serverCommands,
        final ErrorHandler errorHandler,
        final EpochClock epochClock)
    {
        this.databases = databases;
        this.watches = new Watches(databases);
        this.memberId = ctx.memberId();
        databases.listener(new KeyspaceListener()
        {
            public void modified(
                final Keyspace keyspace, final DirectBuffer key, final int offset, final int length,
                final boolean expired)
            {
                watches.modified(keyspace, key, offset, length, expired);
                blocked.modified(keyspace, key, offset, length);
            }

            public void emptying(final Keyspace keyspace)
            {
                watches.emptying(keyspace);
            }

            public void swapping(final Keyspace first, final Keyspace second)
            {
                watches.swapping(first, second);
                blocked.swapping(first.id(), second.id());
            }
        });
        DataCommands.registerInternal(internalCommands);
        this.epochClock = epochClock;
        this.acl = new Acl(dataCommands, serverCommands.commands());
        if (null != ctx.requirePass())
        {
            acl.requirePass(ctx.requirePass());
        }
        this.dataCommands = dataCommands;
        this.serverCommands = serverCommands;
        this.errorHandler = errorHandler;
        this.readConsistency = ctx.readConsistency();
        this.maxPendingWrites = ctx.maxPendingWrites();
        this.maxMemory = ctx.maxMemory();
        this.maxInflightBytes = ctx.maxInflightBytes();
        int maxId = 0;
        for (final Member member : ctx.memberList())
        {
            maxId = Math.max(maxId, member.id());
        }
        movedByMember = new byte[maxId + 1][];
        for (final Member member : ctx.memberList())
        {
            // Redis Cluster's redirect: raftis is one shard, so slot 0 stands for every key
            movedByMember[member.id()] =
                ("-MOVED 0 " + member.clientEndpoint() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    void bind(final RaftNode raft, final ClientConnections connections, final int maxPayloadLength)
    {
        this.raft = raft;
        this.connections = connections;
        this.maxPayloadLength = maxPayloadLength;
        this.partBuffer = new UnsafeBuffer(new byte[maxPayloadLength]);
        // a large entry's parts in flight at once: about what the leader lets a follower have unacknowledged
        this.maxPartsInFlight = Math.max(2, maxInflightBytes / maxPayloadLength);
        parts.detachBulksFrom(Math.min(EntryParts.DETACH_THRESHOLD, maxPayloadLength));
    }

    /**
     * @return the clients of this member waiting in a blocking command.
     */
    int blockedClients()
    {
        int count = 0;
        for (final BlockedClients.Blocked waiting : blocked.all())
        {
            count += null != waiting.session && waiting.session.blocked == waiting ? 1 : 0;
        }
        return count;
    }

    /**
     * @return runs of parts this member dropped unfinished (a leader gave the write up).
     */
    long partRunsDropped()
    {
        return parts.runsDropped();
    }

    int pendingWrites()
    {
        return pending.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connections
    // ---------------------------------------------------------------------------------------------------------

    public void onOpen(final ClientConnection connection)
    {
        connection.attachment(new Session(connection));
    }

    public void onRead(final ClientConnection connection)
    {
        process((Session)connection.attachment());
    }

    public void onClose(final ClientConnection connection)
    {
        final Session session = (Session)connection.attachment();
        if (null != session && session.awaitingRead)
        {
            session.awaitingRead = false;
            readWaiters.remove(session);
        }
        if (null != session && null != session.transaction)
        {
            watches.unwatchAll(session.transaction);
        }
        if (null != session && exclusive == session)
        {
            exclusive = null;
        }
        if (null != session && null != outgoing && outgoing.session == session)
        {
            abandonParts(null); // its client will never hear of it: the members drop what they have of it
        }
        if (null != session && null != session.blocked)
        {
            // a client gone while blocked is served nothing more: its registration goes through the log, so that
            // no member serves it an element after this
            final BlockedClients.Blocked gone = session.blocked;
            session.blocked = null;
            gone.session = null;
            gone.abandoned = true;
            proposeUnblock(gone); // or on a later pass, if it cannot be proposed now
            nextUnblockCheckMs = gone.timeoutProposed ? nextUnblockCheckMs : 0;
        }
    }

    /**
     * After the Raft flush: serve reads whose barrier is confirmed, and resume connections that were waiting.
     */
    int afterFlush()
    {
        int work = proposeParts();
        work += sweepExpired();
        work += expireBlocked();
        if (resolveUncertain && raft.lastApplied() >= uncertainAfterIndex)
        {
            work += answerUncertain();
        }
        for (int i = readWaiters.size() - 1; i >= 0; i--)
        {
            final Session session = readWaiters.get(i);
            final boolean leader = raft.isLeader();
            if (!leader || (raft.isReadConfirmed(session.readSequence) && raft.lastApplied() >= session.readIndex))
            {
                if (leader)
                {
                    session.confirmedLimit = session.barrierLimit;
                }
                session.readSequence = 0;
                session.awaitingRead = false;
                readWaiters.remove(i);
                queueResume(session);
            }
        }
        if (null != exclusive && (!raft.isLeader() || raft.lastApplied() >= raft.lastIndex()))
        {
            queueResume(exclusive); // what it waited for is applied, or it is no longer the leader's to decide
        }
        if (writesHeld() < maxPendingWrites && null == exclusive && !roomWaiters.isEmpty())
        {
            // in the order they began to wait; one that finds no room again waits again, at the back
            for (int i = 0, size = roomWaiters.size(); i < size; i++)
            {
                final Session session = roomWaiters.get(i);
                session.awaitingRoom = false;
                queueResume(session);
            }
            roomWaiters.clear();
        }
        for (int i = outputBlocked.size() - 1; i >= 0; i--)
        {
            final Session session = outputBlocked.get(i);
            if (!session.isOpen() || session.connection.out().length() < OUTPUT_LIMIT / 2)
            {
                session.outputBlocked = false;
                outputBlocked.remove(i);
                queueResume(session);
            }
        }
        // processing may queue more sessions: take them in order, each once
        for (int i = 0; i < resumable.size(); i++)
        {
            final Session session = resumable.get(i);
            session.resumeQueued = false;
            process(session);
            work++;
        }
        resumable.clear();
        // the pass is over: what its budget left waiting goes on next pass
        passArguments = 0;
        if (!deferred.isEmpty())
        {
            passesOverBudget++;
            for (int i = 0; i < deferred.size(); i++)
            {
                final Session session = deferred.get(i);
                session.deferred = false;
                queueResume(session);
            }
            deferred.clear();
            work++;
        }
        return work;
    }

    private void queueResume(final Session session)
    {
        if (!session.resumeQueued && session.isOpen())
        {
            session.resumeQueued = true;
            resumable.add(session);
        }
    }

    private void process(final Session session)
    {
        final ClientConnection connection = session.connection;
        final RespParser parser = connection.parser();
        this.parser = parser;
        while (!connection.isClosed() && !connection.closeAfterFlush() && connection.unparsedLength() > 0)
        {
            if (null != session.blocked)
            {
                break; // as Redis: a blocked client's next commands wait until it is served or times out
            }
            if (null != outgoing && outgoing.session == session)
            {
                break; // its next commands go after the large entry it is proposing, once the last part is in
            }
            if (passArguments >= PASS_ARGUMENT_BUDGET)
            {
                if (!session.deferred)
                {
                    session.deferred = true;
                    deferred.add(session);
                }
                break;
            }
            if (connection.out().length() >= OUTPUT_LIMIT)
            {
                if (!session.outputBlocked)
                {
                    session.outputBlocked = true;
                    outputBlocked.add(session);
                }
                break;
            }
            final int consumed = parser.parse(connection.input(), connection.readPosition(), connection.writePosition());
            if (RespParser.INCOMPLETE == consumed)
            {
                connection.ensureCapacity(parser.requiredLength());
                break;
            }
            if (RespParser.PROTOCOL_ERROR == consumed)
            {
                if (session.pendingWrites > 0)
                {
                    break;
                }
                // as Redis does: say why, then close the connection once the reply is out
                connection.out().error("ERR " + parser.errorMessage());
                connection.closeAfterFlush(true);
                connections.markDirty(connection);
                break;
            }
            if (0 == parser.argCount())
            {
                consume(session, consumed);
                continue;
            }
            // a command that waited is timed from its first try
            commandStartNs = 0 != session.waitingSinceNs ? session.waitingSinceNs : System.nanoTime();
            dispatchedCommand = null;
            proposed = false;
            if (!dispatch(session, consumed))
            {
                session.waitingSinceNs = commandStartNs;
                break;
            }
            session.waitingSinceNs = 0;
            if (!proposed && null != dispatchedCommand)
            {
                latency.record(dispatchedCommand, System.nanoTime() - commandStartNs);
            }
            commandsProcessed++;
            passArguments += parser.argCount();
        }
    }

    /**
     * @return false when the command has to wait and was left in the input buffer.
     */
    private boolean dispatch(final Session session, final int length)
    {
        final RespParser parser = this.parser;
        final Command data = dataCommands.lookup(parser);
        final Command server = null == data ? serverCommands.lookup(parser) : null;
        final boolean isWrite = null != data && data.isWrite();

        if (!isWrite && session.pendingWrites > 0 && !overtakePendingWrites)
        {
            return false; // its reply must follow the replies of the writes before it
        }
        final Transaction transaction = session.transaction;
        if (null != transaction && transaction.active && (null == server || !runsInMulti(server)))
        {
            return queue(session, transaction, null != data ? data : server, length);
        }

        if (null == data && null == server)
        {
            reply(session, length).error(CommandTable.unknownCommandError(parser));
            return true;
        }
        final Command command = null != data ? data : server;
        dispatchedCommand = command;
        if (!command.checkArity(parser.argCount()))
        {
            if (session.pendingWrites > 0)
            {
                return false; // a write's error waits for the replies of the writes before it too
            }
            reply(session, length).error(command.arityError());
            abortQueueing(session); // as Redis: any command refused between MULTI and EXEC aborts the transaction
            return true;
        }
        if (!command.hasFlag(Command.FLAG_NO_AUTH))
        {
            // as Redis: authentication, then the user's permissions, before anything else, redirects included
            final String denied = denied(session, command);
            if (null != denied)
            {
                if (session.pendingWrites > 0)
                {
                    return false;
                }
                deniedCommands++;
                reply(session, length).error(denied);
                abortQueueing(session);
                return true;
            }
        }
        if (null != server)
        {
            if (isAclChange(command))
            {
                return proposeAclChange(session, length);
            }
            if (ServerCommands.isTransactionCommand(command))
            {
                return transactionCommand(session, command, length);
            }
            databases.clock(timeNowMs(), false);
            serverCommands.execute(session, command, parser, reply(session, length));
            return true;
        }
        if (isWrite)
        {
            return proposeWrite(session, data, length);
        }
        return read(session, data, length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transactions
    // ---------------------------------------------------------------------------------------------------------

    /**
     * @return whether a server command runs at once between MULTI and EXEC rather than being queued, as in Redis.
     */
    private static boolean runsInMulti(final Command server)
    {
        final String name = server.name();
        return "exec".equals(name) || "discard".equals(name) || "multi".equals(name) || "watch".equals(name) ||
            "quit".equals(name);
    }

    /**
     * Queue a command between MULTI and EXEC, or refuse it as Redis does while queueing: the refusal makes EXEC
     * answer EXECABORT.
     */
    private boolean queue(final Session session, final Transaction transaction, final Command command, final int length)
    {
        if (session.pendingWrites > 0)
        {
            return false;
        }
        final String refusal = queueRefusal(session, command);
        if (null != refusal)
        {
            transaction.aborted = true;
            reply(session, length).error(refusal);
            return true;
        }
        if (!transaction.aborted)
        {
            // as Redis, nothing more is kept once the transaction is bound to abort
            transaction.queuedLength = encodeAsArray(parser, 0, transaction.queued, transaction.queuedLength);
            transaction.count++;
            if ("select".equals(command.name()))
            {
                final long db = parser.argAsLong(1);
                if (parser.lastArgWasNumber() && Databases.exists(db))
                {
                    transaction.finalDb = (int)db;
                }
            }
        }
        reply(session, length).simpleString("QUEUED");
        return true;
    }

    /**
     * @return why a command may not be queued, as Redis checks before queueing, or null.
     */
    private String queueRefusal(final Session session, final Command command)
    {
        if (null == command)
        {
            return CommandTable.unknownCommandError(parser);
        }
        if (!command.checkArity(parser.argCount()))
        {
            return command.arityError();
        }
        if (!command.hasFlag(Command.FLAG_NO_AUTH))
        {
            final String denied = denied(session, command);
            if (null != denied)
            {
                deniedCommands++;
                return denied;
            }
        }
        if (command.hasFlag(Command.FLAG_NO_MULTI))
        {
            return "ERR Command not allowed inside a transaction";
        }
        if (isAclChange(command))
        {
            // their passwords are hashed before they reach the log, which a queued command's are not
            return "ERR ACL SETUSER and ACL DELUSER cannot be queued in a transaction on raftis: run them on their own";
        }
        if (maxMemory > 0 && command.isDenyOom() && usedMemory() > maxMemory)
        {
            writesRefusedForMemory++;
            return OOM_ERROR;
        }
        return null;
    }

    private boolean transactionCommand(final Session session, final Command command, final int length)
    {
        if (null == session.transaction)
        {
            session.transaction = new Transaction();
        }
        final Transaction transaction = session.transaction;
        switch (command.name())
        {
            case "multi" ->
            {
                if (transaction.active)
                {
                    reply(session, length).error("ERR MULTI calls can not be nested");
                    return true;
                }
                transaction.active = true;
                transaction.finalDb = session.db;
                reply(session, length).ok();
                return true;
            }
            case "discard" ->
            {
                if (!transaction.active)
                {
                    reply(session, length).error("ERR DISCARD without MULTI");
                    return true;
                }
                discardTransaction(transaction);
                reply(session, length).ok();
                return true;
            }
            case "watch" ->
            {
                if (transaction.active)
                {
                    reply(session, length).error("ERR WATCH inside MULTI is not allowed");
                    return true;
                }
                if (!transaction.dirty) // as Redis: once dirty, there is no point watching more
                {
                    databases.clock(timeNowMs(), false);
                    for (int i = 1; i < parser.argCount(); i++)
                    {
                        watches.watch(
                            transaction, session.db, parser.argBuffer(), parser.argOffset(i), parser.argLength(i));
                    }
                }
                reply(session, length).ok();
                return true;
            }
            case "unwatch" ->
            {
                watches.unwatchAll(transaction);
                transaction.dirty = false;
                reply(session, length).ok();
                return true;
            }
            default ->
            {
                return exec(session, transaction, length);
            }
        }
    }

    /**
     * EXEC: the queued commands go into the log as one entry, applied as one by every member. With keys watched, the
     * leader first waits until everything proposed before is applied, holding back other proposals, so that what it
     * checks is what the transaction would run against.
     */
    private boolean exec(final Session session, final Transaction transaction, final int length)
    {
        if (!transaction.active)
        {
            reply(session, length).error("ERR EXEC without MULTI");
            return true;
        }
        if (transaction.aborted)
        {
            transactionsAborted++;
            discardTransaction(transaction);
            reply(session, length).error("EXECABORT Transaction discarded because of previous errors.");
            return true;
        }
        if (!transaction.watched.isEmpty() && !transaction.dirty)
        {
            if (!raft.isLeader())
            {
                releaseExclusive(session);
                discardTransaction(transaction);
                redirect(reply(session, length));
                return true;
            }
            if (raft.lastApplied() < raft.lastIndex())
            {
                exclusive = session;
                return false;
            }
            databases.clock(timeNowMs(), false);
            transaction.dirty = watches.expiredSinceWatched(transaction);
        }
        if (transaction.dirty)
        {
            releaseExclusive(session);
            transactionsAborted++;
            discardTransaction(transaction);
            reply(session, length).nullArray();
            return true;
        }
        if (0 == transaction.count)
        {
            releaseExclusive(session);
            discardTransaction(transaction);
            reply(session, length).arrayHeader(0);
            return true;
        }
        if (!raft.isLeader())
        {
            releaseExclusive(session);
            discardTransaction(transaction);
            redirect(reply(session, length));
            return true;
        }

        encoded.putByte(0, EntryHeader.TRANSACTION);
        encoded.putLong(EntryHeader.TIME_OFFSET, timeNowMs(), ByteOrder.LITTLE_ENDIAN);
        encoded.putByte(EntryHeader.DB_OFFSET, (byte)session.db);
        final int position = RespEncoding.putArrayHeader(encoded, EntryHeader.LENGTH, transaction.count);
        encoded.putBytes(position, transaction.queued, 0, transaction.queuedLength);
        proposed = false;
        final int payloadLength = position + transaction.queuedLength;
        if (!transaction.watched.isEmpty() && payloadLength > maxPayloadLength)
        {
            exclusive = session; // it goes in parts: what it watched must stay as it found it until the last is in
        }
        if (!propose(session, length, encoded, 0, payloadLength, 0))
        {
            return false; // it waits for room, still exclusive if it was
        }
        if (null == outgoing || outgoing.session != session)
        {
            releaseExclusive(session); // else its parts go out first: nothing may come in between that it watched
        }
        if (proposed)
        {
            transactionsProposed++;
            session.db = transaction.finalDb; // the commands after it are stamped with the database it leaves
        }
        discardTransaction(transaction);
        return true;
    }

    private static void abortQueueing(final Session session)
    {
        if (null != session.transaction && session.transaction.active)
        {
            session.transaction.aborted = true;
        }
    }

    private void releaseExclusive(final Session session)
    {
        if (exclusive == session)
        {
            exclusive = null;
        }
    }

    private void discardTransaction(final Transaction transaction)
    {
        transaction.clearQueue();
        transaction.dirty = false;
        watches.unwatchAll(transaction);
    }

    /**
     * Apply a committed transaction: each command in turn, against the database its SELECTs leave, their replies
     * one array. Server commands (PING, ECHO, INFO, ...) run only where the client is, as they change no data.
     */
    private void applyTransaction(
        final long index, final long term, final DirectBuffer buffer, final int start, final int limit,
        final int firstDb, final Session target, final RespWriter out)
    {
        final RespParser parser = applyParser;
        // "*<count>\r\n", as the leader wrote it
        int count = 0;
        int position = start + 1;
        while (position < limit && buffer.getByte(position) >= '0' && buffer.getByte(position) <= '9' &&
            count < MAX_TRANSACTION_COMMANDS)
        {
            count = count * 10 + buffer.getByte(position++) - '0';
        }
        if (start >= limit || '*' != buffer.getByte(start) || count <= 0 || position + 2 > limit ||
            '\r' != buffer.getByte(position) || '\n' != buffer.getByte(position + 1))
        {
            errorHandler.onError(new IllegalStateException("entry " + index + " of term " + term +
                " is not a transaction this node can apply; skipped"));
            out.error("ERR internal error: the replicated transaction could not be applied");
            return;
        }
        out.arrayHeader(count);
        int db = firstDb;
        position += 2;
        for (int i = 0; i < count; i++)
        {
            parser.reset();
            final int consumed = position < limit ? parser.parse(buffer, position, limit) : RespParser.INCOMPLETE;
            if (consumed <= 0 || 0 == parser.argCount())
            {
                errorHandler.onError(new IllegalStateException("command " + i + " of the transaction in entry " +
                    index + " of term " + term + " cannot be parsed; the rest is skipped"));
                for (int j = i; j < count; j++)
                {
                    out.error("ERR internal error: the replicated command could not be applied");
                }
                return;
            }
            position += consumed;
            final Command data = dataCommands.lookup(parser);
            if (null != data)
            {
                applyCommand(index, term, true, databases.get(db), out);
                continue;
            }
            final Command server = serverCommands.lookup(parser);
            if (null != server && "select".equals(server.name()))
            {
                final int selected = ServerCommands.select(parser, out);
                db = selected >= 0 ? selected : db;
            }
            else if (null != server && "unwatch".equals(server.name()))
            {
                out.ok(); // EXEC released the watches already
            }
            else if (null != server && null != target)
            {
                final int connectionDb = target.db;
                target.db = db;
                serverCommands.execute(target, server, parser, out);
                target.db = connectionDb;
            }
            else if (null != target)
            {
                out.error("ERR internal error: the replicated command could not be applied");
            }
        }
    }

    /**
     * @return NOAUTH when the session must authenticate first, NOPERM when its user may not run this, else null.
     */
    private String denied(final Session session, final Command command)
    {
        if (null == session.user && acl.authRequired())
        {
            return Acl.NOAUTH;
        }
        final Acl.User user = acl.user(null == session.user ? Acl.DEFAULT_USER : session.user);
        return null == user ? Acl.NOAUTH : acl.check(user, command, parser, false);
    }

    private boolean isAclChange(final Command command)
    {
        return "acl".equals(command.name()) && parser.argCount() >= 3 &&
            (parser.argEqualsIgnoreCase(1, SETUSER) || parser.argEqualsIgnoreCase(1, DELUSER));
    }

    private boolean proposeWrite(final Session session, final Command command, final int length)
    {
        final ClientConnection connection = session.connection;
        if (!raft.isLeader())
        {
            if (session.pendingWrites > 0)
            {
                return false;
            }
            redirect(reply(session, length));
            return true;
        }
        final String error = command.validate(parser);
        if (null != error)
        {
            if (session.pendingWrites > 0)
            {
                return false;
            }
            reply(session, length).error(error);
            return true;
        }

        if (maxMemory > 0 && command.isDenyOom() && usedMemory() > maxMemory)
        {
            // as Redis with noeviction: a write that may use memory is refused while maxmemory is passed; reads
            // and deletes go on
            if (session.pendingWrites > 0)
            {
                return false;
            }
            writesRefusedForMemory++;
            reply(session, length).error(OOM_ERROR);
            return true;
        }

        if (null != command.rewriter())
        {
            return proposeDecided(session, command, length);
        }
        if (null != command.blocking())
        {
            encoded.putByte(0, EntryHeader.BLOCKING);
            encoded.putLong(EntryHeader.TIME_OFFSET, timeNowMs(), ByteOrder.LITTLE_ENDIAN);
            encoded.putByte(EntryHeader.DB_OFFSET, (byte)session.db);
            encoded.putLong(EntryHeader.CLIENT_ID_OFFSET, nextBlockedId(), ByteOrder.LITTLE_ENDIAN);
            final int payloadLength = parser.isInline() ?
                encodeAsArray(parser, 0, encoded, EntryHeader.BLOCKING_LENGTH) :
                copyInput(session, length, encoded, EntryHeader.BLOCKING_LENGTH);
            return propose(session, length, encoded, 0, payloadLength, 0);
        }

        // the leader's time goes into the entry, so every member applies it at the same time
        final long nowMs = timeNowMs();
        encoded.putByte(0, EntryHeader.STAMPED);
        encoded.putLong(EntryHeader.TIME_OFFSET, nowMs, ByteOrder.LITTLE_ENDIAN);
        encoded.putByte(EntryHeader.DB_OFFSET, (byte)session.db);
        // a write that goes in parts is not copied whole: its parts are taken from the client's input, after the
        // header built here, as they go out
        final boolean inParts = !parser.isInline() && EntryHeader.LENGTH + length > maxPayloadLength;
        final int payloadLength = parser.isInline() ? encodeAsArray(parser, 0, encoded, EntryHeader.LENGTH) :
            inParts ? EntryHeader.LENGTH + length : copyInput(session, length, encoded, EntryHeader.LENGTH);
        // what the write may add beyond its own bytes counts among the pending writes' memory until it applies; the
        // estimate only reads, with the clock of a read, so that nothing expires outside the log
        databases.clock(nowMs, false);
        final long growth = command.growth(parser, databases.get(session.db));
        return propose(session, length, encoded, 0, payloadLength, growth, inParts);
    }

    /**
     * Copy the command as the client sent it, a RESP array, into the proposal after its header.
     *
     * @return where it ends.
     */
    private int copyInput(final Session session, final int length, final MutableDirectBuffer proposal, final int at)
    {
        final ClientConnection connection = session.connection;
        proposal.putBytes(at, connection.input(), connection.readPosition(), length);
        return at + length;
    }

    /**
     * @return an id for a blocked client, unique to this member as leader: its member id in the top bits.
     */
    private long nextBlockedId()
    {
        return ((long)memberId << 48) | (++nextBlockedId & 0xFFFF_FFFF_FFFFL);
    }

    /**
     * The leader gives up on a blocked client (timeout, disconnection): every member forgets it at that entry, and
     * its client, if still here, gets the timeout's reply then, unless an entry before served it.
     */
    private void proposeUnblock(final BlockedClients.Blocked waiting)
    {
        if (!leader || null == raft || waiting.timeoutProposed || null != exclusive)
        {
            return;
        }
        encoded.putByte(0, EntryHeader.UNBLOCK);
        encoded.putLong(EntryHeader.TIME_OFFSET, timeNowMs(), ByteOrder.LITTLE_ENDIAN);
        encoded.putByte(EntryHeader.DB_OFFSET, (byte)waiting.db);
        encoded.putLong(EntryHeader.CLIENT_ID_OFFSET, waiting.id, ByteOrder.LITTLE_ENDIAN);
        if (raft.propose(encoded, 0, EntryHeader.BLOCKING_LENGTH) > 0)
        {
            waiting.timeoutProposed = true;
        }
    }

    /**
     * The leader's blocked clients whose time is up: propose their timeouts.
     */
    private int expireBlocked()
    {
        if (!leader || 0 == blocked.size())
        {
            return 0;
        }
        final long nowMs = epochClock.time();
        if (nowMs < nextUnblockCheckMs)
        {
            return 0; // a pass does not look through every blocked client before one is due
        }
        int work = 0;
        long next = Long.MAX_VALUE;
        for (final BlockedClients.Blocked waiting : blocked.all())
        {
            if (waiting.timeoutProposed)
            {
                continue;
            }
            final boolean timed = null != waiting.session && 0 != waiting.deadlineMs;
            if ((timed && nowMs >= waiting.deadlineMs) || waiting.abandoned)
            {
                proposeUnblock(waiting);
                work += waiting.timeoutProposed ? 1 : 0;
                next = waiting.timeoutProposed ? next : nowMs; // one that cannot go now is tried again next pass
            }
            else if (timed)
            {
                next = Math.min(next, waiting.deadlineMs);
            }
        }
        nextUnblockCheckMs = next;
        return work;
    }

    /**
     * A write whose effect is random (SPOP): the leader decides it against its keyspace once everything proposed
     * before is applied, holding back other proposals meanwhile, and logs the deterministic form of its decision, so
     * every member applies the same effect.
     */
    private boolean proposeDecided(final Session session, final Command command, final int length)
    {
        if (null != exclusive && exclusive != session)
        {
            return awaitRoom(session);
        }
        if (raft.lastApplied() < raft.lastIndex())
        {
            exclusive = session;
            return false;
        }
        final long nowMs = timeNowMs();
        databases.clock(nowMs, false);
        encoded.putByte(0, EntryHeader.DECIDED);
        encoded.putLong(EntryHeader.TIME_OFFSET, nowMs, ByteOrder.LITTLE_ENDIAN);
        encoded.putByte(EntryHeader.DB_OFFSET, (byte)session.db);
        final RespWriter out = session.connection.out();
        final int end = command.rewriter().rewrite(parser, databases.get(session.db), encoded, EntryHeader.LENGTH, out);
        if (end < 0)
        {
            releaseExclusive(session);
            reply(session, length); // answered already: nothing to log
            return true;
        }
        final boolean answered = propose(session, length, encoded, 0, end, 0);
        if (answered)
        {
            releaseExclusive(session);
        }
        return answered;
    }

    /**
     * ACL SETUSER and ACL DELUSER change every member's users, so they go through the log like a write: checked
     * here first (an error leaves the users as they were), with passwords turned into their SHA-256 so that none
     * reaches the log, and applied by every member in log order.
     */
    private boolean proposeAclChange(final Session session, final int length)
    {
        if (!raft.isLeader())
        {
            if (session.pendingWrites > 0)
            {
                return false;
            }
            redirect(reply(session, length));
            return true;
        }
        final boolean setUser = parser.argEqualsIgnoreCase(1, SETUSER);
        final List<String> args = aclArguments(parser, 2);
        final String error = setUser ? acl.validateSetUser(args.get(0), args.subList(1, args.size())) :
            acl.checkDelUser(args);
        if (null != error)
        {
            if (session.pendingWrites > 0)
            {
                return false;
            }
            reply(session, length).error(error);
            return true;
        }
        final List<String> entry = new ArrayList<>();
        entry.add("ACL");
        entry.add(setUser ? "SETUSER" : "DELUSER");
        if (setUser)
        {
            entry.add(args.get(0));
            entry.addAll(Acl.hashPasswords(args.subList(1, args.size())));
        }
        else
        {
            entry.addAll(args);
        }
        final int payloadLength = encodeAsArray(entry, encoded);
        return propose(session, length, encoded, 0, payloadLength, 0);
    }

    /**
     * @return the arguments from index on, one char per byte.
     */
    static List<String> aclArguments(final RespParser args, final int from)
    {
        final List<String> result = new ArrayList<>();
        for (int i = from; i < args.argCount(); i++)
        {
            result.add(ServerCommands.latin1(args, i));
        }
        return result;
    }

    static int encodeAsArray(final List<String> args, final MutableDirectBuffer dst)
    {
        int position = RespEncoding.putArrayHeader(dst, 0, args.size());
        for (final String arg : args)
        {
            final byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
            position = RespEncoding.putBulk(dst, position, new UnsafeBuffer(bytes), 0, bytes.length);
        }
        return position;
    }

    private boolean propose(
        final Session session,
        final int length,
        final DirectBuffer payload,
        final int offset,
        final int payloadLength,
        final long growth)
    {
        return propose(session, length, payload, offset, payloadLength, growth, false);
    }

    /**
     * @param fromInput whether the payload is only the entry's header, and the rest is the command at the read
     *                  position of the client's input, taken from there part by part (a write in parts).
     */
    private boolean propose(
        final Session session,
        final int length,
        final DirectBuffer payload,
        final int offset,
        final int payloadLength,
        final long growth,
        final boolean fromInput)
    {
        if (payloadLength > MAX_ENTRY_LENGTH)
        {
            if (session.pendingWrites > 0)
            {
                return false;
            }
            reply(session, length).error("ERR command of " + payloadLength + " bytes is too large to replicate: " +
                "the limit is " + MAX_ENTRY_LENGTH + " bytes");
            return true;
        }
        if (writesHeld() >= maxPendingWrites || (null != exclusive && exclusive != session))
        {
            // followers lag, or a write waits to be decided against all before it: the write stays in the
            // connection's input, and its client waits, until commits make room
            return awaitRoom(session);
        }
        if (payloadLength > maxPayloadLength)
        {
            return proposeInParts(session, length, payload, offset, payloadLength, growth, fromInput);
        }
        final long index = raft.propose(payload, offset, payloadLength);
        if (RaftNode.APPEND_REFUSED == index)
        {
            // nothing was appended: the write certainly did not happen, as Redis answers when its AOF cannot be
            // written; the leader hands leadership to a member whose disk may have room
            if (session.pendingWrites > 0)
            {
                return false;
            }
            writesRefusedByLog++;
            reply(session, length).error(logRefusal());
            return true;
        }
        if (index < 0)
        {
            // leadership is being handed over: nothing was appended
            if (session.pendingWrites > 0)
            {
                return false;
            }
            reply(session, length).raw(TRANSFERRING);
            return true;
        }
        pending.add(index, raft.term(), session, payloadLength + growth, dispatchedCommand, commandStartNs);
        proposed = true;
        session.pendingWrites++;
        writesProposed++;
        consume(session, length);
        return true;
    }

    /**
     * @return the error for a write the log refused to append, as Redis's when its AOF cannot be written, on one line.
     */
    private String logRefusal()
    {
        return "MISCONF Errors writing to the Raft log: " +
            String.valueOf(raft.lastAppendRefusal()).replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * A write longer than a batch: its parts taken from the client's input as they go ({@code fromInput}), or the
     * whole copied aside when it was built apart (a transaction, a blocking or a rewritten command); proposed a few
     * parts at a time by {@link #proposeParts()}, one such write at a time; its connection's next commands wait until
     * its last part is in the log.
     */
    private boolean proposeInParts(
        final Session session,
        final int length,
        final DirectBuffer payload,
        final int offset,
        final int payloadLength,
        final long growth,
        final boolean fromInput)
    {
        if (session.pendingWrites > 0)
        {
            return false; // resumed when its writes before are answered: so an error now would answer in order
        }
        if (null != outgoing)
        {
            if (!session.awaitingParts)
            {
                session.awaitingParts = true;
                partsWaiters.add(session);
            }
            return false;
        }
        final PartRun run;
        if (fromInput)
        {
            // the command stays in the input until its last part is out: its bytes are at the read position
            final byte[] header = new byte[payloadLength - length];
            payload.getBytes(offset, header);
            run = new PartRun(session, header, length, growth, dispatchedCommand, commandStartNs,
                raft.term(), maxPartsInFlight);
        }
        else
        {
            final byte[] whole = new byte[payloadLength];
            payload.getBytes(offset, whole);
            run = new PartRun(session, whole, 0, growth, dispatchedCommand, commandStartNs,
                raft.term(), maxPartsInFlight);
            consume(session, length);
        }
        if (encoded.capacity() > ENCODED_CAPACITY * 64)
        {
            encoded = new ExpandableDirectByteBuffer(ENCODED_CAPACITY); // not kept as large as the largest write
        }
        outgoing = run;
        session.pendingWrites++;
        proposed = true;
        runsProposed++;
        return true;
    }

    /**
     * Propose the next parts of the large write going out, as many as leave at most {@link #maxPartsInFlight}
     * uncommitted: the flow control of ordinary entries then shares the links with the other clients' writes.
     *
     * @return the parts proposed.
     */
    private int proposeParts()
    {
        final PartRun run = outgoing;
        if (null == run)
        {
            return 0;
        }
        if (!raft.isLeader() || raft.term() != run.term)
        {
            abandonParts(null);
            return 1;
        }
        int proposedParts = 0;
        final int partBytes = maxPayloadLength - EntryParts.HEADER_LENGTH;
        final int total = run.total;
        while (outgoing == run && run.inFlight(raft.commitIndex()) < maxPartsInFlight)
        {
            final int position = run.position;
            final int bytes = Math.min(partBytes, total - position);
            final boolean last = position + bytes == total;
            final byte flags = (byte)((0 == position ? EntryParts.FIRST : 0) | (last ? EntryParts.LAST : 0));
            final int at = EntryParts.putHeader(partBuffer, 0, flags, total, position);
            run.copy(position, partBuffer, at, bytes);
            final long index = raft.propose(partBuffer, 0, at + bytes);
            proposedParts++;
            if (RaftNode.APPEND_REFUSED == index)
            {
                writesRefusedByLog++;
                abandonParts(("-" + logRefusal() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                break;
            }
            if (index < 0)
            {
                abandonParts(TRANSFERRING);
                break;
            }
            run.sent(index);
            run.position = position + bytes;
            if (answerAtFirstPart && 0 == position)
            {
                pending.add(index, run.term, run.session, total + run.growth, run.command, run.startNs);
                run.answered = true;
            }
            if (last)
            {
                outgoing = null;
                run.consumeInput();
                if (!run.answered)
                {
                    pending.add(index, run.term, run.session, total + run.growth, run.command, run.startNs);
                }
                writesProposed++;
                releaseExclusive(run.session);
                queueResume(run.session);
                resumePartsWaiters();
            }
        }
        return proposedParts;
    }

    /**
     * The large write going out will not be finished: its client, if it is still here, hears why (the write did not
     * happen), and the members drop its parts, at once if this member can still say so, else at the next part run or
     * term.
     *
     * @param reply the reply as sent, or null for a redirect.
     */
    private void abandonParts(final byte[] reply)
    {
        final PartRun run = outgoing;
        outgoing = null;
        runsAbandoned++;
        final Session session = run.session;
        releaseExclusive(session);
        if (run.position > 0 && raft.isLeader() && raft.term() == run.term)
        {
            EntryParts.putHeader(partBuffer, 0, EntryParts.ABORT, run.total, run.position);
            raft.propose(partBuffer, 0, EntryParts.HEADER_LENGTH);
        }
        if (!run.answered)
        {
            session.pendingWrites--;
        }
        run.consumeInput(); // the write did not happen, and is not tried again
        if (session.isOpen() && !run.answered)
        {
            if (null == reply)
            {
                redirect(session.connection.out());
            }
            else
            {
                session.connection.out().raw(reply);
            }
            connections.markDirty(session.connection);
            queueResume(session);
        }
        resumePartsWaiters();
    }

    private void resumePartsWaiters()
    {
        for (int i = 0, size = partsWaiters.size(); i < size; i++)
        {
            final Session session = partsWaiters.get(i);
            session.awaitingParts = false;
            queueResume(session);
        }
        partsWaiters.clear();
    }

    /**
     * @return the client writes the leader holds: those pending, and a write going out in parts, which takes its
     * place among them from its first part, so that its last always finds room.
     */
    private int writesHeld()
    {
        return pending.size() + (null != outgoing ? 1 : 0);
    }

    private boolean awaitRoom(final Session session)
    {
        if (!session.awaitingRoom)
        {
            session.awaitingRoom = true;
            roomWaiters.add(session);
            writesWaitedForRoom++;
        }
        return false;
    }

    private boolean read(final Session session, final Command command, final int length)
    {
        if (ReadConsistency.STALE != readConsistency)
        {
            if (!raft.isLeader())
            {
                redirect(reply(session, length));
                return true;
            }
            final boolean covered = session.consumed + length <= session.confirmedLimit;
            final boolean leased = ReadConsistency.LEASE == readConsistency && raft.hasLease() &&
                raft.lastApplied() >= raft.readIndex();
            if (!covered && !leased)
            {
                if (!session.awaitingRead)
                {
                    // ReadIndex (thesis §6.4): every read that arrived before this barrier is served once a majority
                    // answers a later round and the commit index of now is applied
                    session.readSequence = raft.requestReadBarrier();
                    session.readIndex = raft.readIndex();
                    session.barrierLimit = session.consumed + session.connection.unparsedLength();
                    session.awaitingRead = true;
                    readWaiters.add(session);
                    readsBarriered++;
                }
                return false;
            }
        }
        databases.clock(timeNowMs(), false);
        command.execute(parser, databases.get(session.db), reply(session, length));
        return true;
    }

    /**
     * @return this member's time for a write it stamps or a read it serves: its clock, but never behind a time it
     * stamped, served or applied before, so that time never runs backwards across entries and reads.
     */
    long timeNowMs()
    {
        stampedTimeMs = Math.max(Math.max(epochClock.time(), stampedTimeMs), appliedTimeMs);
        return stampedTimeMs;
    }

    /**
     * The leader's active expiry: every {@link #SWEEP_INTERVAL_MS}, or at once while the last run filled its entry,
     * look at the next {@link #SWEEP_SLOTS} slots and propose the removal of the keys found expired. Their entry
     * removes each only if it has expired at the entry's time, which a write in between may have changed. One such
     * entry is in flight at a time.
     */
    private int sweepExpired()
    {
        if (!leader || null == raft || raft.lastApplied() < sweepIndex || writesHeld() >= maxPendingWrites ||
            null != exclusive)
        {
            return 0;
        }
        final long nowMs = timeNowMs();
        if (nowMs < nextSweepMs)
        {
            return 0;
        }
        // the databases in turn, one with keys that may expire per run
        int db = sweepDb;
        for (int i = 0; i < Databases.COUNT && 0 == databases.get(db).expires(); i++)
        {
            db = (db + 1) % Databases.COUNT;
        }
        sweepDb = (db + 1) % Databases.COUNT;
        final Keyspace keyspace = databases.get(db);
        if (0 == keyspace.expires())
        {
            nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
            return 0;
        }
        databases.clock(nowMs, false);
        sweepKeys.clear();
        final int found = keyspace.collectExpired(SWEEP_SLOTS, SWEEP_KEYS, sweepKeys);
        nextSweepMs = found == SWEEP_KEYS ? nowMs : nowMs + SWEEP_INTERVAL_MS / Databases.COUNT;
        if (0 == found)
        {
            return 0;
        }
        encoded.putByte(0, EntryHeader.EXPIRED);
        encoded.putLong(EntryHeader.TIME_OFFSET, nowMs, ByteOrder.LITTLE_ENDIAN);
        encoded.putByte(EntryHeader.DB_OFFSET, (byte)db);
        int position = RespEncoding.putArrayHeader(encoded, EntryHeader.LENGTH, found);
        for (int i = 0; i < found; i++)
        {
            final byte[] key = sweepKeys.get(i);
            position = RespEncoding.putBulk(encoded, position, new UnsafeBuffer(key), 0, key.length);
        }
        sweepKeys.clear();
        if (position > maxPayloadLength)
        {
            return 0; // keys this long expire on access instead
        }
        final long index = raft.propose(encoded, 0, position);
        if (index > 0)
        {
            sweepIndex = index;
            expirySweeps++;
        }
        return 1;
    }

    private RespWriter reply(final Session session, final int consumed)
    {
        consume(session, consumed);
        connections.markDirty(session.connection);
        return session.connection.out();
    }

    private static void consume(final Session session, final int length)
    {
        session.connection.consumed(length);
        session.consumed += length;
    }

    private void redirect(final RespWriter out)
    {
        final int leaderId = raft.leaderId();
        if (RaftNode.NO_MEMBER != leaderId && leaderId < movedByMember.length && null != movedByMember[leaderId])
        {
            out.raw(movedByMember[leaderId]);
        }
        else
        {
            out.error("CLUSTERDOWN no leader is known: an election is in progress (term " + raft.term() +
                "); retry shortly");
        }
    }

    /**
     * Apply a committed ACL SETUSER or DELUSER: every member changes its users alike. The users a DELUSER removes
     * lose their connections here, as in Redis, once what they are owed is sent.
     */
    private void applyAclChange(final RespWriter out)
    {
        final List<String> args = aclArguments(parser(), 2);
        if (applyParser.argEqualsIgnoreCase(1, SETUSER))
        {
            final String error = acl.setUser(args.get(0), args.subList(1, args.size()));
            if (null == error)
            {
                out.ok();
            }
            else
            {
                out.error(error); // checked before it was proposed: only a log written by something else gets here
            }
        }
        else if (applyParser.argEqualsIgnoreCase(1, DELUSER))
        {
            final List<String> deleted = new ArrayList<>();
            for (final String name : args)
            {
                if (null != acl.user(name) && !Acl.DEFAULT_USER.equals(name))
                {
                    deleted.add(name);
                }
            }
            out.integer(acl.delUser(args));
            if (!deleted.isEmpty() && null != connections)
            {
                connections.forEachConnection(connection ->
                {
                    final Session session = (Session)connection.attachment();
                    if (null != session && deleted.contains(session.user))
                    {
                        connection.closeAfterFlush(true);
                        connections.markDirty(connection);
                    }
                });
            }
        }
        else
        {
            out.error("ERR unknown ACL change in the log");
        }
    }

    private RespParser parser()
    {
        return applyParser;
    }

    /**
     * @return the users and their permissions, as the log has set them.
     */
    Acl acl()
    {
        return acl;
    }

    /**
     * Encode the parsed arguments as a RESP array, the form every log entry holds.
     */
    static int encodeAsArray(final RespParser parser, final MutableDirectBuffer dst)
    {
        return encodeAsArray(parser, 0, dst, 0);
    }

    /**
     * Encode the parsed arguments from index on as a RESP array.
     */
    static int encodeAsArray(final RespParser parser, final int from, final MutableDirectBuffer dst)
    {
        return encodeAsArray(parser, from, dst, 0);
    }

    /**
     * Encode the parsed arguments from index on as a RESP array written at position at.
     *
     * @return where the array ends.
     */
    static int encodeAsArray(final RespParser parser, final int from, final MutableDirectBuffer dst, final int at)
    {
        int position = RespEncoding.putArrayHeader(dst, at, parser.argCount() - from);
        for (int i = from; i < parser.argCount(); i++)
        {
            position = RespEncoding.putBulk(
                dst, position, parser.argBuffer(), parser.argOffset(i), parser.argLength(i));
        }
        return position;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Applying committed entries
    // ---------------------------------------------------------------------------------------------------------

    public void apply(
        final long index, final long term, final int type, final DirectBuffer buffer, final int offset,
        final int length)
    {
        Session target = null;
        boolean clientGone = false;
        if (pending.size() > 0 && pending.headIndex() == index)
        {
            final Session session = pending.headSession();
            final boolean ours = pending.headTerm() == term;
            clientGone = ours && !session.isOpen();
            if (ours && null != pending.headCommand())
            {
                latency.record(pending.headCommand(), System.nanoTime() - pending.headStartNs());
            }
            pending.removeHead();
            session.pendingWrites--;
            if (session.isOpen())
            {
                if (ours)
                {
                    target = session;
                }
                else
                {
                    // another leader's entry took this index, so ours can never commit (log matching, §5.3)
                    session.connection.out().raw(PENDING_TRUNCATED);
                    connections.markDirty(session.connection);
                }
                if (0 == session.pendingWrites)
                {
                    queueResume(session);
                }
            }
        }

        blocked.enterTerm(term);
        parts.enterTerm(term);
        if (EntryFrame.TYPE_COMMAND != type)
        {
            return;
        }
        final RespWriter out = null != target ? target.connection.out() : discard;
        if (EntryParts.isPart(buffer, offset, length))
        {
            final int accepted = parts.accept(term, buffer, offset, length);
            if (EntryParts.COMPLETE == accepted)
            {
                final DirectBuffer entry = parts.entry();
                applyEntry(index, term, entry, 0, entry.capacity(), parts, target, clientGone, out);
                parts.release();
            }
            else if (null != target)
            {
                // only a run's last part is answered, and it came with parts missing: none of it is applied
                out.error("ERR the write's parts did not all reach the log: it was not applied");
            }
        }
        else
        {
            applyEntry(index, term, buffer, offset, length, null, target, clientGone, out);
        }
        if (null != target)
        {
            connections.markDirty(target.connection);
        }
        else
        {
            discard.reset();
        }
        if (blocked.hasReady())
        {
            serveReady(term);
        }
    }

    /**
     * A whole entry: a client's command, a transaction, a blocking command or an internal entry.
     *
     * @param arrays that hold some of its large arguments already (see {@link RespParser#lend}), or null.
     */
    private void applyEntry(
        final long index, final long term, final DirectBuffer buffer, final int offset, final int length,
        final RespParser.ArgumentArrays arrays, final Session target, final boolean clientGone, final RespWriter out)
    {
        final byte kind = length > 0 ? buffer.getByte(offset) : 0;
        int start = offset;
        int db = 0;
        if (EntryHeader.hasHeader(buffer, offset, length))
        {
            appliedTimeMs = Math.max(
                appliedTimeMs, buffer.getLong(offset + EntryHeader.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN));
            db = buffer.getByte(offset + EntryHeader.DB_OFFSET);
            start += EntryHeader.LENGTH;
        }
        databases.clock(appliedTimeMs, true);
        final Keyspace keyspace = Databases.exists(db) ? databases.get(db) : null;
        final RespParser parser = applyParser;
        parser.reset(); // a log entry holds one whole command: nothing of the last one carries over
        final boolean transaction = EntryHeader.TRANSACTION == kind && null != keyspace;
        final boolean blocking = (EntryHeader.BLOCKING == kind || EntryHeader.UNBLOCK == kind) &&
            length >= EntryHeader.BLOCKING_LENGTH;
        final long clientId =
            blocking ? buffer.getLong(offset + EntryHeader.CLIENT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
        if (blocking)
        {
            start = offset + EntryHeader.BLOCKING_LENGTH;
        }
        final int parsed =
            transaction || EntryHeader.UNBLOCK == kind ? 0 : parser.parse(buffer, start, offset + length);
        final boolean whole = parsed == offset + length - start && null != keyspace;
        if (null != arrays && whole)
        {
            parser.lend(arrays);
        }
        if (blocking && EntryHeader.UNBLOCK == kind)
        {
            applyUnblock(clientId);
        }
        else if (blocking && whole)
        {
            applyBlocking(
                index, term, clientId, db, keyspace, buffer, start, offset + length, target, clientGone, out);
        }
        else if (transaction)
        {
            applyTransaction(index, term, buffer, start, offset + length, db, target, out);
        }
        else if (whole && EntryHeader.EXPIRED == kind)
        {
            for (int i = 0; i < parser.argCount(); i++)
            {
                // removed only if expired at this entry's time: looking it up expires it
                keyspace.get(parser.argBuffer(), parser.argOffset(i), parser.argLength(i));
            }
        }
        else if (whole && parser.argCount() >= 3 && parser.argEqualsIgnoreCase(0, ACL))
        {
            applyAclChange(out);
        }
        else
        {
            final CommandTable table = EntryHeader.DECIDED == kind ? internalCommands : dataCommands;
            applyCommand(index, term, whole, keyspace, out, table);
        }
    }

    /**
     * A blocking command: served now if its keys have what it wants, else registered to wait, on every member alike.
     */
    private void applyBlocking(
        final long index, final long term, final long clientId, final int db, final Keyspace keyspace,
        final DirectBuffer buffer, final int start, final int limit, final Session target, final boolean clientGone,
        final RespWriter out)
    {
        final RespParser parser = applyParser;
        final Command command = dataCommands.lookup(parser);
        final Blocking blocking = null == command ? null : command.blocking();
        if (null == blocking || null != command.validate(parser))
        {
            applyCommand(index, term, true, keyspace, out); // answers as the command would, or as a log it cannot read
            return;
        }
        if (serve(blocking, parser, keyspace, out, -1))
        {
            return;
        }
        final BlockedClients.Blocked waiting = new BlockedClients.Blocked(
            clientId, term, db, BlockedClients.bytes(buffer, start, limit - start), command);
        final int[] positions = blocking.waitKeys(parser);
        final byte[][] keys = new byte[positions.length][];
        for (int i = 0; i < positions.length; i++)
        {
            keys[i] = parser.argBytes(positions[i]);
        }
        blocked.register(waiting, keys);
        // its client left before the entry applied: the leader owes the log its removal at once
        waiting.abandoned = clientGone;
        if (clientGone)
        {
            nextUnblockCheckMs = 0;
        }
        if (null != target)
        {
            final long timeoutMs = blocking.timeoutMs(parser);
            waiting.session = target;
            waiting.deadlineMs = 0 == timeoutMs ? 0 : epochClock.time() + timeoutMs;
            target.blocked = waiting;
            if (0 != waiting.deadlineMs)
            {
                nextUnblockCheckMs = Math.min(nextUnblockCheckMs, waiting.deadlineMs);
            }
        }
    }

    /**
     * @return whether the blocking command was answered, WRONGTYPE included.
     */
    private static boolean serve(
        final Blocking blocking, final RespParser parser, final Keyspace keyspace, final RespWriter out,
        final int readyKey)
    {
        try
        {
            return blocking.serve(parser, keyspace, out, readyKey);
        }
        catch (final WrongTypeException ex)
        {
            out.error(ErrorReplies.WRONG_TYPE);
            return true;
        }
    }

    /**
     * A blocked client's timeout or disconnection: forgotten here, and answered as a timeout where it waits.
     */
    private void applyUnblock(final long clientId)
    {
        final BlockedClients.Blocked waiting = blocked.get(clientId);
        if (null == waiting)
        {
            return; // served before its timeout came
        }
        blocked.remove(waiting);
        final Session session = waiting.session;
        if (null != session && session.blocked == waiting)
        {
            blockedTimedOut++;
            waiting.type.blocking().timedOut(session.connection.out());
            release(session);
        }
    }

    /**
     * Serve the clients waiting on the keys the last entry changed, first blocked first, as Redis serves them once
     * the command that fed the key is done; serving one may feed another key (BLMOVE), which is served in turn.
     */
    private void serveReady(final long term)
    {
        BlockedClients.Key key;
        while (null != (key = blocked.nextReady()))
        {
            final java.util.ArrayDeque<BlockedClients.Blocked> waiters = blocked.waiters(key);
            if (null == waiters)
            {
                continue;
            }
            for (final BlockedClients.Blocked waiting : waiters.toArray(new BlockedClients.Blocked[0]))
            {
                if (waiting.term != term)
                {
                    blocked.remove(waiting); // its leader is gone, and answered its client
                    continue;
                }
                servingBuffer.wrap(waiting.command);
                servingParser.reset();
                servingParser.parse(servingBuffer, 0, waiting.command.length);
                final int readyKey = positionOf(waiting, key);
                final Session session = waiting.session;
                final boolean here = null != session && session.blocked == waiting && session.isOpen();
                final RespWriter out = here ? session.connection.out() : discard;
                if (readyKey > 0 && serve(waiting.type.blocking(), servingParser, databases.get(waiting.db), out,
                    readyKey))
                {
                    blocked.remove(waiting);
                    blockedServed++;
                    if (here)
                    {
                        release(session);
                    }
                    else
                    {
                        discard.reset();
                    }
                }
            }
        }
    }

    private int positionOf(final BlockedClients.Blocked waiting, final BlockedClients.Key key)
    {
        final int[] positions = waiting.type.blocking().waitKeys(servingParser);
        for (final int position : positions)
        {
            if (argEquals(servingParser, position, key.bytes))
            {
                return position;
            }
        }
        return -1;
    }

    private static boolean argEquals(final RespParser parser, final int arg, final byte[] bytes)
    {
        if (parser.argLength(arg) != bytes.length)
        {
            return false;
        }
        final DirectBuffer buffer = parser.argBuffer();
        final int offset = parser.argOffset(arg);
        for (int i = 0; i < bytes.length; i++)
        {
            if (buffer.getByte(offset + i) != bytes[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A blocked client was answered: it goes on with its next commands.
     */
    private void release(final Session session)
    {
        session.blocked = null;
        connections.markDirty(session.connection);
        queueResume(session);
    }

    private void applyCommand(
        final long index, final long term, final boolean whole, final Keyspace keyspace, final RespWriter out)
    {
        applyCommand(index, term, whole, keyspace, out, dataCommands);
    }

    private void applyCommand(
        final long index, final long term, final boolean whole, final Keyspace keyspace, final RespWriter out,
        final CommandTable table)
    {
        final RespParser parser = applyParser;
        final Command command = whole ? table.lookup(parser) : null;
        if (null == command || !command.checkArity(parser.argCount()))
        {
            // the leader only proposes whole, known commands: this entry was written by something else
            errorHandler.onError(new IllegalStateException("entry " + index + " of term " + term +
                " is not a command this node can apply; skipped"));
            out.error("ERR internal error: the replicated command could not be applied");
        }
        else
        {
            try
            {
                command.execute(parser, keyspace, out);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                out.error("ERR internal error applying " + command.name() + ": " + ex);
            }
        }
    }

    public void onRoleChange(final Role role, final long term, final int leaderId)
    {
        serverCommands.onRoleChange(role, term, leaderId);
        final boolean isLeader = Role.LEADER == role;
        if (leader && !isLeader && pending.size() > 0)
        {
            // what was committed when leadership went is applied and answered as usual; whatever is still pending
            // after that may yet be committed by the next leader or may be lost, so it is answered as unknown
            resolveUncertain = true;
            uncertainAfterIndex = raft.commitIndex();
        }
        else if (isLeader)
        {
            resolveUncertain = false; // as leader again, this member commits or overwrites them itself
        }
        if (leader && !isLeader)
        {
            // an entry of this term may still be committed and serve them, or may never be: their outcome is unknown
            for (final BlockedClients.Blocked waiting : blocked.all())
            {
                final Session session = waiting.session;
                waiting.session = null;
                if (null != session && session.blocked == waiting)
                {
                    session.connection.out().raw(OUTCOME_UNKNOWN);
                    release(session);
                }
            }
        }
        leader = isLeader;
    }

    private int answerUncertain()
    {
        resolveUncertain = false;
        int answered = 0;
        while (pending.size() > 0)
        {
            final Session session = pending.headSession();
            pending.removeHead();
            session.pendingWrites--;
            if (session.isOpen())
            {
                session.connection.out().raw(OUTCOME_UNKNOWN);
                connections.markDirty(session.connection);
                if (0 == session.pendingWrites)
                {
                    queueResume(session);
                }
            }
            answered++;
        }
        return answered;
    }

    /**
     * A large write the leader is proposing in parts: its bytes, how far they have gone, and the indices of its parts
     * not yet known to be committed.
     */
    static final class PartRun
    {
        final Session session;
        final byte[] payload;
        final int inputLength;
        /** The entry's length: the payload, then the command in the input. */
        final int total;
        final long growth;
        final Command command;
        final long startNs;
        final long term;
        int position;
        boolean answered;
        private final long[] indices;
        private int oldest;
        private int inFlight;

        /**
         * @param payload     the entry's bytes, or only its first ones when the rest is the command in the client's
         *                    input.
         * @param inputLength how many of the entry's last bytes are the command at the read position of the
         *                    client's input, left there until the run ends; 0 when payload is the whole entry.
         */
        PartRun(
            final Session session,
            final byte[] payload,
            final int inputLength,
            final long growth,
            final Command command,
            final long startNs,
            final long term,
            final int maxInFlight)
        {
            this.session = session;
            this.payload = payload;
            this.inputLength = inputLength;
            this.total = payload.length + inputLength;
            this.growth = growth;
            this.command = command;
            this.startNs = startNs;
            this.term = term;
            this.indices = new long[maxInFlight];
        }

        /**
         * @return the parts proposed and not yet committed.
         */
        int inFlight(final long commitIndex)
        {
            while (inFlight > 0 && indices[oldest] <= commitIndex)
            {
                oldest = (oldest + 1) % indices.length;
                inFlight--;
            }
            return inFlight;
        }

        void sent(final long index)
        {
            indices[(oldest + inFlight) % indices.length] = index;
            inFlight++;
        }

        /**
         * Copy the entry's bytes [position, position + bytes) to dst.
         */
        void copy(final int position, final MutableDirectBuffer dst, final int at, final int bytes)
        {
            final int fromPayload = Math.max(0, Math.min(bytes, payload.length - position));
            if (fromPayload > 0)
            {
                dst.putBytes(at, payload, position, fromPayload);
            }
            if (fromPayload < bytes)
            {
                final ClientConnection connection = session.connection;
                dst.putBytes(at + fromPayload, connection.input(),
                    connection.readPosition() + position + fromPayload - payload.length, bytes - fromPayload);
            }
        }

        /**
         * The run ended, or was given up: the command it took from the client's input, if any, leaves it, once.
         */
        void consumeInput()
        {
            if (inputLength > 0 && session.isOpen())
            {
                consume(session, inputLength);
            }
        }
    }

    /**
     * Writes proposed by this node and not yet applied, in index order: a ring of (index, term, session).
     */
    static final class PendingWrites
    {
        private long[] indices = new long[1024];
        private long[] terms = new long[1024];
        private long[] memories = new long[1024];
        private Session[] sessions = new Session[1024];
        private Command[] commands = new Command[1024];
        private long[] startNs = new long[1024];
        private int head;
        private int size;
        private long bytes;

        /**
         * @return the bytes of the commands pending and what their commands say they may add (see
         * {@link io.raftis.store.CommandGrowth}): the keyspace will grow by about as much, at most, once they apply.
         */
        long bytes()
        {
            return bytes;
        }

        int size()
        {
            return size;
        }

        void add(
            final long index, final long term, final Session session, final long memory, final Command command,
            final long startNs)
        {
            if (size == indices.length)
            {
                grow();
            }
            final int slot = (head + size) & (indices.length - 1);
            indices[slot] = index;
            terms[slot] = term;
            memories[slot] = memory;
            sessions[slot] = session;
            commands[slot] = command;
            this.startNs[slot] = startNs;
            bytes += memory;
            size++;
        }

        long headIndex()
        {
            return indices[head];
        }

        long headTerm()
        {
            return terms[head];
        }

        Session headSession()
        {
            return sessions[head];
        }

        Command headCommand()
        {
            return commands[head];
        }

        long headStartNs()
        {
            return startNs[head];
        }

        void removeHead()
        {
            bytes -= memories[head];
            sessions[head] = null;
            commands[head] = null;
            head = (head + 1) & (indices.length - 1);
            size--;
        }

        private void grow()
        {
            final int capacity = indices.length;
            final long[] newIndices = new long[capacity * 2];
            final long[] newTerms = new long[capacity * 2];
            final long[] newMemories = new long[capacity * 2];
            final Session[] newSessions = new Session[capacity * 2];
            final Command[] newCommands = new Command[capacity * 2];
            final long[] newStartNs = new long[capacity * 2];
            for (int i = 0; i < size; i++)
            {
                final int slot = (head + i) & (capacity - 1);
                newIndices[i] = indices[slot];
                newTerms[i] = terms[slot];
                newMemories[i] = memories[slot];
                newSessions[i] = sessions[slot];
                newCommands[i] = commands[slot];
                newStartNs[i] = startNs[slot];
            }
            indices = newIndices;
            terms = newTerms;
            memories = newMemories;
            sessions = newSessions;
            commands = newCommands;
            startNs = newStartNs;
            head = 0;
        }
    }
}
