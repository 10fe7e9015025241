package io.raftis.node;

import io.raftis.config.Configuration;
import io.raftis.config.Context;
import io.raftis.config.Member;
import io.raftis.log.LogCorruptionException;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ShutdownSignalBarrier;


/**
 * Starts one member in the foreground: {@code java -jar raftis.jar --member-id=1 --members=1=127.0.0.1:8901:6379,...}.
 * Flags map onto the {@code raftis.*} properties of {@link Configuration}; {@code --config=FILE} reads a
 * properties file. SIGINT and SIGTERM stop the node cleanly.
 */
public final class RaftisMain
{
    private RaftisMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            usage();
            return;
        }
        final Context ctx;
        final RaftisNode node;
        final NodeErrorHandler errorHandler = new NodeErrorHandler(System.err);
        try
        {
            ctx = Context.fromProperties(Configuration.fromArgs(args)).conclude();
            node = new RaftisNode(ctx, errorHandler);
        }
        catch (final LogCorruptionException ex)
        {
            System.err.println("raftis: the log is corrupt: " + ex.getMessage());
            System.exit(3);
            return;
        }
        catch (final Exception ex)
        {
            System.err.println("raftis: cannot start: " +
                (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException ?
                ex.getMessage() : ex.toString()));
            if (null != ex.getCause())
            {
                System.err.println("raftis: caused by: " + ex.getCause());
            }
            System.exit(2);
            return;
        }

        final Member self = ctx.self();
        System.out.println(ServerCommands.timestamp() + " raftis member " + self.id() + " of " +
            ctx.canonicalMembers() + ": clients on " + self.clientEndpoint() + ", raft on udp " +
            self.raftEndpoint() + ", data in " + ctx.dataDir().getAbsolutePath() + ", fsync " + ctx.fsync().text() +
            ", reads " + ctx.readConsistency().text() + ", idle " + ctx.idleStrategyName() + ", last log index " +
            node.raft().lastIndex() + ", term " + node.raft().term());

        // the signal handler waits for the barrier to close, so the node is closed before the JVM exits
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            AgentRunner runner = new AgentRunner(
                node.idleStrategy(), new FailStop(errorHandler, System.err, Runtime.getRuntime()::halt), null, node))
        {
            AgentRunner.startOnThread(runner);
            barrier.await();
            System.out.println(ServerCommands.timestamp() + " member " + self.id() + " stopping");
            node.requestHandover();
            final long deadlineNs = System.nanoTime() + 2 * ctx.electionTimeoutNs();
            while (!node.isHandedOver() && System.nanoTime() < deadlineNs && !runner.isClosed())
            {
                Thread.sleep(1);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        System.out.println(ServerCommands.timestamp() + " member " + self.id() + " stopped");
    }

    private static void usage()
    {
        System.out.println("usage: java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar raftis.jar \\\n" +
            "    --member-id=N --members=1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6479,... [flags]\n" +
            "flags (or raftis.* properties, or --config=FILE):\n" +
            "  --data-dir=DIR                  default data/nodeN\n" +
            "  --fsync=always|never            default always (never: unsafe under power loss)\n" +
            "  --read-consistency=linearizable|lease|stale   default linearizable\n" +
            "  --idle-strategy=epoll|backoff|busy-spin|yielding|sleeping   default epoll: block until work arrives\n" +
            "  --idle-max-park=500us           longest park of the backoff idle strategy\n" +
            "  --election-timeout=400ms  --heartbeat-interval=100ms\n" +
            "  --aeron-dir=DIR  --aeron-term-length=8m  --aeron-mtu=8k\n" +
            "  --log-segment-length=64m  --max-batch-bytes=256k  --max-inflight-bytes=1m\n" +
            "  --raft-send-port-base=0         0: send to peers from ephemeral ports; P: to member M from P+M\n" +
            "  --maxclients=10000              client connections at once; one more gets an error and is closed\n" +
            "  --timeout=0                     seconds a client may stay idle before it is closed; 0: never\n" +
            "  --max-pending-writes=65536      writes appended and not yet applied; one more waits for room");
    }
}
