package io.raftis.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One member of the cluster: its id, the host it runs on, the UDP port of its Raft endpoint and the TCP port it
 * serves clients on. A member list is written {@code id=host:raftPort:clientPort,...}, e.g.
 * {@code 1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6479}.
 */
public record Member(int id, String host, int raftPort, int clientPort)
{
    public Member
    {
        if (id <= 0)
        {
            throw new IllegalArgumentException("member id must be a positive integer: " + id);
        }
        if (null == host || host.isBlank())
        {
            throw new IllegalArgumentException("member " + id + " has no host");
        }
        checkPort(raftPort, "raft");
        checkPort(clientPort, "client");
    }

    public String raftEndpoint()
    {
        return host + ":" + raftPort;
    }

    public String clientEndpoint()
    {
        return host + ":" + clientPort;
    }

    @Override
    public String toString()
    {
        return id + "=" + host + ":" + raftPort + ":" + clientPort;
    }

    /**
     * Parse a member list, sorted by id.
     *
     * @throws IllegalArgumentException with the offending part when the list is malformed or ids repeat.
     */
    public static Member[] parse(final String members)
    {
        if (null == members || members.isBlank())
        {
            throw new IllegalArgumentException("the member list is empty: expected id=host:raftPort:clientPort,...");
        }
        final List<Member> result = new ArrayList<>();
        for (final String part : members.split(","))
        {
            final String spec = part.trim();
            final int eq = spec.indexOf('=');
            final String[] address = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":");
            if (eq <= 0 || address.length != 3)
            {
                throw new IllegalArgumentException(
                    "bad member '" + spec + "': expected id=host:raftPort:clientPort, e.g. 1=127.0.0.1:8901:6379");
            }
            try
            {
                result.add(new Member(
                    Integer.parseInt(spec.substring(0, eq).trim()),
                    address[0].trim(),
                    Integer.parseInt(address[1].trim()),
                    Integer.parseInt(address[2].trim())));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("bad member '" + spec + "': " + ex.getMessage(), ex);
            }
        }
        final Member[] sorted = result.toArray(new Member[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.id(), b.id()));
        for (int i = 1; i < sorted.length; i++)
        {
            if (sorted[i].id() == sorted[i - 1].id())
            {
                throw new IllegalArgumentException("member id " + sorted[i].id() + " appears twice in " + members);
            }
            for (int j = 0; j < i; j++)
            {
                if (sorted[i].raftEndpoint().equals(sorted[j].raftEndpoint()) ||
                    sorted[i].clientEndpoint().equals(sorted[j].clientEndpoint()))
                {
                    throw new IllegalArgumentException(
                        "members " + sorted[j].id() + " and " + sorted[i].id() + " share an address in " + members);
                }
            }
        }
        return sorted;
    }

    /**
     * The canonical text of a member list: sorted by id, no spaces.
     */
    public static String canonical(final Member[] members)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Member member : members)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(member);
        }
        return sb.toString();
    }

    private static void checkPort(final int port, final String what)
    {
        if (port <= 0 || port > 65535)
        {
            throw new IllegalArgumentException(what + " port out of range: " + port);
        }
    }
}
