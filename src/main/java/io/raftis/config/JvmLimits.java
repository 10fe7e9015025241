package io.raftis.config;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The memory the JVM will give this process, which raftis's own limits must stay within: the heap holds the keyspace
 * and the pending writes, direct memory the clients' query and output buffers. Past either the JVM throws an
 * {@link OutOfMemoryError}, which stops the member (fail-stop): the limits turn that into errors a client can read.
 */
public final class JvmLimits
{
    private JvmLimits()
    {
    }

    /**
     * @return the most heap the JVM will use ({@code -Xmx}).
     */
    public static long maxHeap()
    {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * @return the most direct memory the JVM will reserve: {@code -XX:MaxDirectMemorySize}, or the heap's limit when it
     * is not set, as the JVM does.
     */
    public static long maxDirectMemory()
    {
        return maxDirectMemory(ManagementFactory.getRuntimeMXBean().getInputArguments(), maxHeap());
    }

    static long maxDirectMemory(final List<String> jvmArguments, final long maxHeap)
    {
        long max = -1;
        for (final String argument : jvmArguments)
        {
            if (argument.startsWith("-XX:MaxDirectMemorySize="))
            {
                max = parseJvmSize(argument.substring("-XX:MaxDirectMemorySize=".length()));
            }
        }
        return max > 0 ? max : maxHeap;
    }

    private static long parseJvmSize(final String value)
    {
        if (value.isEmpty())
        {
            return -1;
        }
        final char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        final long scale = switch (unit)
        {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            case 't' -> 1024L * 1024 * 1024 * 1024;
            default -> 1;
        };
        try
        {
            return Long.parseLong(1 == scale ? value : value.substring(0, value.length() - 1)) * scale;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
