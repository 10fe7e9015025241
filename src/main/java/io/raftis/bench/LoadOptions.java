package io.raftis.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a {@link LoadGenerator} run, parsed from its command line. Every flag is {@code --name value} or
 * {@code --name=value}; a later flag overrides an earlier one.
 */
public final class LoadOptions
{
    /**
     * Usage text printed by {@code --help}.
     */
    public static final String USAGE =
        "usage: java -cp target/raftis.jar io.raftis.bench.LoadGenerator [options]\n" +
        "       java -cp target/raftis.jar io.raftis.bench.LoadGenerator --plot A.hgrm [B.hgrm ...] " +
        "[--output PLOT.png]\n" +
        "\n" +
        "Open-loop constant-rate SET/GET load on a Redis-protocol server. Latency is measured from each request's\n" +
        "intended send time (corrected for coordinated omission) into HdrHistograms per command.\n" +
        "\n" +
        "  --host HOST            server address (default 127.0.0.1)\n" +
        "  --port PORT            server port (default 6379)\n" +
        "  --rate N               requests per second across all connections (default 5000)\n" +
        "  --connections C        TCP connections; requests are dealt round robin (default 20)\n" +
        "  --duration T           measured time, e.g. 30s, 500ms, 2m (default 30s)\n" +
        "  --warmup T             load before the measured time, not recorded (default 5s)\n" +
        "  --mix set:W,get:W      command weights (default set:50,get:50)\n" +
        "  --keys K               keys key:0 .. key:K-1, chosen uniformly (default 100000)\n" +
        "  --value-size B         bytes per SET value (default 3)\n" +
        "  --max-in-flight N      requests outstanding per connection before sends wait (default 100000)\n" +
        "  --drain T              after the schedule ends, wait at most this long for replies (default 10s)\n" +
        "  --seed S               random seed for keys and commands (default 1)\n" +
        "  --busy-spin            never sleep between sends: less timing noise, one core busy\n" +
        "  --label NAME           name of the run and its files (default raftis)\n" +
        "  --output DIR           where LABEL-set.hgrm, LABEL-get.hgrm, LABEL-all.hgrm and LABEL.png go\n" +
        "                         (default ./bench-results); with --plot, the PNG file to write\n" +
        "  --plot FILES...        only plot existing .hgrm files together, one line each, named by file\n" +
        "  --title TEXT           plot title\n" +
        "  --help                 this text\n";

    private String host = "127.0.0.1";
    private int port = 6379;
    private long rate = 5000;
    private int connections = 20;
    private long durationNs = TimeUnit.SECONDS.toNanos(30);
    private long warmupNs = TimeUnit.SECONDS.toNanos(5);
    private String mix = "set:50,get:50";
    private int setWeight = 50;
    private int getWeight = 50;
    private int keys = 100_000;
    private int valueSize = 3;
    private int maxInFlight = 100_000;
    private long drainNs = TimeUnit.SECONDS.toNanos(10);
    private long seed = 1;
    private boolean busySpin;
    private String label = "raftis";
    private String output;
    private String title;
    private boolean help;
    private final List<String> plotFiles = new ArrayList<>();
    private boolean plot;

    /**
     * Parse a command line.
     *
     * @param args as given to main.
     * @return the options.
     * @throws IllegalArgumentException naming the flag at fault.
     */
    public static LoadOptions parse(final String... args)
    {
        final LoadOptions options = new LoadOptions();
        int i = 0;
        while (i < args.length)
        {
            final String arg = args[i++];
            if ("-h".equals(arg))
            {
                options.help = true;
                continue;
            }

            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }

            final int equals = arg.indexOf('=');
            final String name = equals > 0 ? arg.substring(2, equals) : arg.substring(2);
            String value = equals > 0 ? arg.substring(equals + 1) : null;

            switch (name)
            {
                case "help":
                    options.help = true;
                    continue;

                case "busy-spin":
                    options.busySpin = null == value || Boolean.parseBoolean(value);
                    continue;

                case "plot":
                    options.plot = true;
                    if (null != value)
                    {
                        options.plotFiles.add(value);
                    }
                    while (i < args.length && !args[i].startsWith("--"))
                    {
                        options.plotFiles.add(args[i++]);
                    }
                    continue;

                default:
                    break;
            }

            if (null == value)
            {
                if (i >= args.length)
                {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[i++];
            }

            options.set(name, value);
        }

        options.validate();
        return options;
    }

    /**
     * @return server host.
     */
    public String host()
    {
        return host;
    }

    /**
     * @return server port.
     */
    public int port()
    {
        return port;
    }

    /**
     * @return requests per second across all connections.
     */
    public long rate()
    {
        return rate;
    }

    /**
     * @return number of connections.
     */
    public int connections()
    {
        return connections;
    }

    /**
     * @return measured time in nanoseconds.
     */
    public long durationNs()
    {
        return durationNs;
    }

    /**
     * @return warm-up time in nanoseconds.
     */
    public long warmupNs()
    {
        return warmupNs;
    }

    /**
     * @return the command mix as given.
     */
    public String mix()
    {
        return mix;
    }

    /**
     * @return relative weight of SET in the mix.
     */
    public int setWeight()
    {
        return setWeight;
    }

    /**
     * @return relative weight of GET in the mix.
     */
    public int getWeight()
    {
        return getWeight;
    }

    /**
     * @return number of distinct keys.
     */
    public int keys()
    {
        return keys;
    }

    /**
     * @return bytes per SET value.
     */
    public int valueSize()
    {
        return valueSize;
    }

    /**
     * @return requests outstanding per connection before further sends wait.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * @return how long to wait for outstanding replies after the last send, in nanoseconds.
     */
    public long drainNs()
    {
        return drainNs;
    }

    /**
     * @return random seed.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * @return true to poll without sleeping.
     */
    public boolean busySpin()
    {
        return busySpin;
    }

    /**
     * @return name of the run.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return the output directory of a run, or the PNG file of a plot; null when not given.
     */
    public String output()
    {
        return output;
    }

    /**
     * @return plot title, or null for the default.
     */
    public String title()
    {
        return title;
    }

    /**
     * @return true when --help was given.
     */
    public boolean help()
    {
        return help;
    }

    /**
     * @return true in --plot mode.
     */
    public boolean plot()
    {
        return plot;
    }

    /**
     * @return .hgrm files to plot in --plot mode.
     */
    public List<String> plotFiles()
    {
        return Collections.unmodifiableList(plotFiles);
    }

    /**
     * @param host server host.
     * @return this for a fluent API.
     */
    public LoadOptions host(final String host)
    {
        this.host = host;
        return this;
    }

    /**
     * @param port server port.
     * @return this for a fluent API.
     */
    public LoadOptions port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * @param rate requests per second across all connections.
     * @return this for a fluent API.
     */
    public LoadOptions rate(final long rate)
    {
        this.rate = rate;
        return this;
    }

    /**
     * @param connections number of connections.
     * @return this for a fluent API.
     */
    public LoadOptions connections(final int connections)
    {
        this.connections = connections;
        return this;
    }

    /**
     * @param durationNs measured time.
     * @return this for a fluent API.
     */
    public LoadOptions durationNs(final long durationNs)
    {
        this.durationNs = durationNs;
        return this;
    }

    /**
     * @param warmupNs warm-up time.
     * @return this for a fluent API.
     */
    public LoadOptions warmupNs(final long warmupNs)
    {
        this.warmupNs = warmupNs;
        return this;
    }

    /**
     * @param mix command weights, e.g. {@code set:50,get:50}.
     * @return this for a fluent API.
     */
    public LoadOptions mix(final String mix)
    {
        parseMix(mix);
        return this;
    }

    /**
     * @param maxInFlight requests outstanding per connection before further sends wait.
     * @return this for a fluent API.
     */
    public LoadOptions maxInFlight(final int maxInFlight)
    {
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @param drainNs how long to wait for outstanding replies after the last send.
     * @return this for a fluent API.
     */
    public LoadOptions drainNs(final long drainNs)
    {
        this.drainNs = drainNs;
        return this;
    }

    /**
     * @param busySpin true to poll without sleeping.
     * @return this for a fluent API.
     */
    public LoadOptions busySpin(final boolean busySpin)
    {
        this.busySpin = busySpin;
        return this;
    }

    /**
     * @param label name of the run.
     * @return this for a fluent API.
     */
    public LoadOptions label(final String label)
    {
        this.label = label;
        return this;
    }

    /**
     * @param output directory for the files of a run.
     * @return this for a fluent API.
     */
    public LoadOptions output(final String output)
    {
        this.output = output;
        return this;
    }

    /**
     * Parse a duration: a number followed by ns, us, ms, s, m or h; a bare number is seconds.
     *
     * @param text such as {@code 30s}, {@code 500ms}, {@code 1.5m}.
     * @return nanoseconds.
     */
    public static long parseDuration(final String text)
    {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        int split = s.length();
        while (split > 0 && Character.isLetter(s.charAt(split - 1)))
        {
            split--;
        }

        final String number = s.substring(0, split);
        final String unit = s.substring(split);
        final double multiplier;
        switch (unit)
        {
            case "ns":
                multiplier = 1;
                break;
            case "us":
                multiplier = 1e3;
                break;
            case "ms":
                multiplier = 1e6;
                break;
            case "":
            case "s":
                multiplier = 1e9;
                break;
            case "m":
                multiplier = 60e9;
                break;
            case "h":
                multiplier = 3600e9;
                break;
            default:
                throw new IllegalArgumentException("unknown time unit '" + unit + "' in " + text);
        }

        final double value;
        try
        {
            value = Double.parseDouble(number);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not a duration: " + text);
        }

        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException("not a duration: " + text);
        }

        return Math.round(value * multiplier);
    }

    private void set(final String name, final String value)
    {
        switch (name)
        {
            case "host":
                host = value;
                break;
            case "port":
                port = parseInt(name, value);
                break;
            case "rate":
                rate = parseLong(name, value);
                break;
            case "connections":
                connections = parseInt(name, value);
                break;
            case "duration":
                durationNs = parseDuration(value);
                break;
            case "warmup":
                warmupNs = parseDuration(value);
                break;
            case "mix":
                parseMix(value);
                break;
            case "keys":
                keys = parseInt(name, value);
                break;
            case "value-size":
                valueSize = parseInt(name, value);
                break;
            case "max-in-flight":
                maxInFlight = parseInt(name, value);
                break;
            case "drain":
                drainNs = parseDuration(value);
                break;
            case "seed":
                seed = parseLong(name, value);
                break;
            case "label":
                label = value;
                break;
            case "output":
                output = value;
                break;
            case "title":
                title = value;
                break;
            default:
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
        }
    }

    private void parseMix(final String value)
    {
        int set = 0;
        int get = 0;
        for (final String part : value.split(","))
        {
            final String[] nameWeight = part.trim().split(":");
            if (nameWeight.length != 2)
            {
                throw new IllegalArgumentException("--mix wants command:weight,...: " + value);
            }

            final int weight = parseInt("mix", nameWeight[1].trim());
            if (weight < 0)
            {
                throw new IllegalArgumentException("--mix weight must not be negative: " + value);
            }

            switch (nameWeight[0].trim().toLowerCase(Locale.ROOT))
            {
                case "set":
                    set += weight;
                    break;
                case "get":
                    get += weight;
                    break;
                default:
                    throw new IllegalArgumentException("--mix knows set and get, not " + nameWeight[0]);
            }
        }

        if (set + get <= 0)
        {
            throw new IllegalArgumentException("--mix has no weight: " + value);
        }

        mix = value;
        setWeight = set;
        getWeight = get;
    }

    private void validate()
    {
        if (plot)
        {
            if (plotFiles.isEmpty())
            {
                throw new IllegalArgumentException("--plot needs at least one .hgrm file");
            }
            return;
        }

        check(port > 0 && port < 65536, "--port must be 1..65535: " + port);
        check(rate > 0 && rate <= Schedule.MAX_RATE, "--rate must be 1.." + Schedule.MAX_RATE + ": " + rate);
        check(connections > 0 && connections <= 10_000, "--connections must be 1..10000: " + connections);
        check(durationNs > 0, "--duration must be positive");
        check(keys > 0, "--keys must be positive: " + keys);
        check(valueSize >= 0 && valueSize <= 64 * 1024 * 1024, "--value-size must be 0..64MiB: " + valueSize);
        check(maxInFlight > 0 && maxInFlight <= 1 << 24, "--max-in-flight must be 1.." + (1 << 24));
        check(!label.isEmpty() && label.indexOf('/') < 0, "--label must be a file name: " + label);
    }

    private static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    private static int parseInt(final String name, final String value)
    {
        final long result = parseLong(name, value);
        if (result < Integer.MIN_VALUE || result > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("--" + name + " is out of range: " + value);
        }

        return (int)result;
    }

    private static long parseLong(final String name, final String value)
    {
        try
        {
            return Long.parseLong(value.trim().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " wants a whole number: " + value);
        }
    }
}
