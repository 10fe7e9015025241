package io.raftis.jepsen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A history of operations recorded by concurrent clients. Appends are thread safe.
 */
public final class History
{
    private final List<Operation> operations = Collections.synchronizedList(new ArrayList<>());

    /**
     * Creates an empty history.
     */
    public History()
    {
    }

    /**
     * Creates a history holding the given operations.
     *
     * @param operations the operations, in any order.
     */
    public History(final List<Operation> operations)
    {
        this.operations.addAll(operations);
    }

    /**
     * Records an operation; safe to call from many threads.
     *
     * @param operation the operation.
     */
    public void add(final Operation operation)
    {
        operations.add(operation);
    }

    /**
     * The number of operations recorded.
     *
     * @return the size.
     */
    public int size()
    {
        return operations.size();
    }

    /**
     * A snapshot of the operations in the order they were added.
     *
     * @return an immutable copy.
     */
    public List<Operation> operations()
    {
        synchronized (operations)
        {
            return List.copyOf(operations);
        }
    }

    /**
     * The operations grouped by key, keys sorted, each list in the order the operations were added.
     *
     * @return a new map.
     */
    public Map<String, List<Operation>> byKey()
    {
        final Map<String, List<Operation>> byKey = new TreeMap<>();
        for (final Operation operation : operations())
        {
            byKey.computeIfAbsent(operation.key(), (k) -> new ArrayList<>()).add(operation);
        }
        return byKey;
    }
}
