package io.raftis.jepsen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates linearizable histories from a simulated atomic register per key: each client issues sequential
 * operations with random, overlapping intervals, each operation takes effect at a random point inside its interval,
 * and reads return the register's value at that point. Written values are unique.
 */
final class RegisterHistoryGenerator
{
    private final Random random;
    private final int clients;
    private final int opsPerClient;
    private final String[] keys;
    private double infoProbability = 0.0;
    private double failedProbability = 0.0;

    RegisterHistoryGenerator(final long seed, final int clients, final int opsPerClient, final String... keys)
    {
        this.random = new Random(seed);
        this.clients = clients;
        this.opsPerClient = opsPerClient;
        this.keys = keys;
    }

    /**
     * Makes some operations indeterminate: an INFO write takes effect or not at random; an INFO read is discarded.
     */
    RegisterHistoryGenerator infoProbability(final double probability)
    {
        infoProbability = probability;
        return this;
    }

    /**
     * Makes some operations fail: a FAILED operation never takes effect.
     */
    RegisterHistoryGenerator failedProbability(final double probability)
    {
        failedProbability = probability;
        return this;
    }

    History generate()
    {
        final List<Pending> pending = new ArrayList<>();
        for (int client = 0; client < clients; client++)
        {
            long time = random.nextInt(50);
            for (int i = 0; i < opsPerClient; i++)
            {
                final String key = keys[random.nextInt(keys.length)];
                final boolean write = random.nextBoolean();
                final long invoke = time + 1 + random.nextInt(20);
                final long effect = invoke + random.nextInt(40);
                final long complete = effect + random.nextInt(40);
                time = complete;

                final double dice = random.nextDouble();
                final Operation.Outcome outcome = dice < infoProbability ? Operation.Outcome.INFO :
                    dice < infoProbability + failedProbability ? Operation.Outcome.FAILED : Operation.Outcome.OK;
                final boolean applies = outcome == Operation.Outcome.OK ||
                    (outcome == Operation.Outcome.INFO && random.nextBoolean());
                final Operation.Kind kind = write ? Operation.Kind.WRITE : Operation.Kind.READ;
                final String value = write ? "c" + client + "-" + i : null;
                final Operation op = new Operation(client, key, kind, value, invoke, complete, outcome);
                pending.add(new Pending(op, effect, applies));
            }
        }

        pending.sort(Comparator.comparingLong(Pending::effectNs).thenComparingInt((p) -> p.op().clientId()));
        final Map<String, String> registers = new HashMap<>();
        final History history = new History();
        for (final Pending p : pending)
        {
            final Operation op = p.op();
            if (op.kind() == Operation.Kind.WRITE)
            {
                if (p.applies())
                {
                    registers.put(op.key(), op.value());
                }
                history.add(op);
            }
            else
            {
                history.add(op.withValue(p.applies() ? registers.get(op.key()) : "garbage"));
            }
        }

        return history;
    }

    private record Pending(Operation op, long effectNs, boolean applies)
    {
    }
}
