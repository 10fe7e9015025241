package io.raftis.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What COMMAND DOCS answers: the documentation of every command raftis serves, read once from
 * {@code io/raftis/command-docs.txt} (its header describes the format) and kept as the RESP2 reply of each command,
 * built in Redis 7.0's shape: the name, then a map (a flat array of fields and values) of summary, since, group,
 * complexity, doc_flags, deprecated_since, replaced_by, history, arguments and subcommands, in that order, each only
 * when the command has it. An error in the file is found when it is read, never at a client's request.
 */
final class CommandDocs
{
    /** Where the documentation is, on the class path. */
    static final String RESOURCE = "/io/raftis/command-docs.txt";

    /** Redis's command groups, as COMMAND DOCS names them. */
    private static final Set<String> GROUPS = Set.of(
        "generic", "string", "list", "set", "sorted-set", "hash", "pubsub", "transactions", "connection", "server",
        "scripting", "hyperloglog", "cluster", "sentinel", "geo", "stream", "bitmap");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z][a-z0-9_-]*(\\|[a-z][a-z0-9_-]*)?");

    /** Each command's and subcommand's reply, by name, in the file's order: all that is kept once it is read. */
    private final Map<String, byte[]> replies = new LinkedHashMap<>();
    private final Map<String, List<String>> subcommands = new HashMap<>();

    private CommandDocs(final Map<String, Doc> docs)
    {
        for (final Doc doc : docs.values())
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            bulk(out, doc.name);
            doc.write(out);
            replies.put(doc.name, out.toByteArray());
            if (!doc.subcommands.isEmpty())
            {
                subcommands.put(doc.name, List.copyOf(doc.subcommands.keySet()));
            }
        }
    }

    /**
     * The documentation raftis ships, read and checked the first time it is asked for and shared from then on.
     *
     * @return the documentation.
     * @throws IllegalStateException if the resource is missing or malformed.
     */
    static CommandDocs shipped()
    {
        return Shipped.DOCS;
    }

    /**
     * Read documentation in the format of {@link #RESOURCE}.
     *
     * @param text   the documentation.
     * @param source where it comes from, for error messages.
     * @return the documentation.
     * @throws IllegalArgumentException naming the source and line of the first error.
     */
    static CommandDocs parse(final String text, final String source)
    {
        final Map<String, Doc> docs = new LinkedHashMap<>();
        final String[] lines = text.split("\n", -1);
        Doc doc = null;
        String field = null;
        StringBuilder value = null;
        int fieldLine = 0;
        for (int i = 0; i <= lines.length; i++)
        {
            final String line = i < lines.length ? lines[i].replace("\r", "") : "";
            final boolean continuation = !line.isEmpty() && line.charAt(0) == ' ';
            if (continuation)
            {
                if (null == field)
                {
                    throw error(source, i + 1, "a continued line without a field above it");
                }
                value.append(' ').append(line.trim());
                continue;
            }
            if (null != field)
            {
                doc = field(docs, doc, field, value.toString(), source, fieldLine);
                field = null;
            }
            if (line.isEmpty() || line.startsWith("#"))
            {
                if (line.isEmpty() && null != doc)
                {
                    doc.check(source, fieldLine);
                    doc = null;
                }
                continue;
            }
            final int space = line.indexOf(' ');
            if (space <= 0)
            {
                throw error(source, i + 1, "a field without a value: " + line);
            }
            field = line.substring(0, space);
            value = new StringBuilder(line.substring(space + 1).trim());
            fieldLine = i + 1;
        }
        if (null != doc)
        {
            doc.check(source, fieldLine);
        }
        return new CommandDocs(docs);
    }

    /**
     * @param name a command's name, or container|subcommand, in any case.
     * @return the reply COMMAND DOCS gives for it (its name, then its documentation), or null if it has none.
     */
    byte[] reply(final String name)
    {
        return replies.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * @return the names of the documented commands and subcommands (container|subcommand), in the file's order.
     */
    List<String> names()
    {
        return List.copyOf(replies.keySet());
    }

    /**
     * @param name a documented command.
     * @return the names of its documented subcommands, in the file's order (empty if it is not a container).
     */
    List<String> subcommands(final String name)
    {
        return subcommands.getOrDefault(name, List.of());
    }

    private static Doc field(
        final Map<String, Doc> docs,
        final Doc current,
        final String field,
        final String value,
        final String source,
        final int line)
    {
        if ("command".equals(field))
        {
            if (null != current)
            {
                throw error(source, line, "a command block must end with a blank line before the next command");
            }
            if (!COMMAND_NAME.matcher(value).matches())
            {
                throw error(source, line, "not a command name: " + value);
            }
            if (docs.containsKey(value))
            {
                throw error(source, line, "documented twice: " + value);
            }
            final Doc doc = new Doc(value);
            final int bar = value.indexOf('|');
            if (bar > 0)
            {
                final Doc container = docs.get(value.substring(0, bar));
                if (null == container)
                {
                    throw error(source, line, value + " comes before its container's block");
                }
                container.subcommands.put(value, doc);
            }
            docs.put(value, doc);
            return doc;
        }
        if (null == current)
        {
            throw error(source, line, "a field before any command: " + field);
        }
        current.set(field, value, source, line);
        return current;
    }

    /**
     * @return an error in the documentation, naming where it is.
     */
    static IllegalArgumentException error(final String source, final int line, final String message)
    {
        return new IllegalArgumentException(source + " line " + line + ": " + message);
    }

    /**
     * Write a RESP2 bulk string.
     *
     * @param out   to write to.
     * @param value the string, written as UTF-8.
     */
    static void bulk(final ByteArrayOutputStream out, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        header(out, '$', bytes.length);
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
    }

    /**
     * Write a RESP2 line of a type and a number: an array's length ('*'), a bulk string's length ('$') or an integer
     * (':').
     *
     * @param out   to write to.
     * @param type  the type's character.
     * @param count the number.
     */
    static void header(final ByteArrayOutputStream out, final char type, final long count)
    {
        out.write(type);
        out.writeBytes(Long.toString(count).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
    }

    /**
     * One command's documentation.
     */
    private static final class Doc
    {
        private final String name;
        private final Map<String, Doc> subcommands = new LinkedHashMap<>();
        private final List<String[]> history = new ArrayList<>();
        private String summary;
        private String since;
        private String group;
        private String complexity;
        private String deprecatedSince;
        private String replacedBy;
        private boolean syscmd;
        private List<CommandSyntax.Arg> arguments;

        Doc(final String name)
        {
            this.name = name;
        }

        void set(final String field, final String value, final String source, final int line)
        {
            switch (field)
            {
                case "group" ->
                {
                    if (!GROUPS.contains(value))
                    {
                        throw error(source, line, "not a command group: " + value);
                    }
                    group = once(group, value, field, source, line);
                }
                case "since" -> since = once(since, version(value, source, line), field, source, line);
                case "complexity" -> complexity = once(complexity, value, field, source, line);
                case "summary" -> summary = once(summary, value, field, source, line);
                case "flag" ->
                {
                    if (!"syscmd".equals(value))
                    {
                        throw error(source, line, "not a doc flag: " + value);
                    }
                    syscmd = true;
                }
                case "deprecated" ->
                {
                    final String[] parts = versionAndText(value, source, line);
                    deprecatedSince = once(deprecatedSince, parts[0], field, source, line);
                    replacedBy = parts[1];
                }
                case "history" -> history.add(versionAndText(value, source, line));
                case "syntax" ->
                {
                    if (null != arguments)
                    {
                        throw error(source, line, "a second syntax line");
                    }
                    try
                    {
                        arguments = CommandSyntax.parse(value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw error(source, line, ex.getMessage());
                    }
                }
                default -> throw error(source, line, "not a field: " + field);
            }
        }

        void check(final String source, final int line)
        {
            if (null == group || null == since || null == summary || null == complexity)
            {
                throw error(source, line, name + " needs a group, since, complexity and summary");
            }
        }

        void write(final ByteArrayOutputStream out)
        {
            final int fields = 3 + (null != complexity ? 1 : 0) + (syscmd || null != deprecatedSince ? 1 : 0) +
                (null != deprecatedSince ? 2 : 0) + (history.isEmpty() ? 0 : 1) + (null != arguments ? 1 : 0) +
                (subcommands.isEmpty() ? 0 : 1);
            header(out, '*', fields * 2L);
            bulk(out, "summary");
            bulk(out, summary);
            bulk(out, "since");
            bulk(out, since);
            bulk(out, "group");
            bulk(out, group);
            bulk(out, "complexity");
            bulk(out, complexity);
            if (syscmd || null != deprecatedSince)
            {
                bulk(out, "doc_flags");
                header(out, '*', (syscmd ? 1 : 0) + (null != deprecatedSince ? 1 : 0));
                if (null != deprecatedSince)
                {
                    status(out, "deprecated");
                }
                if (syscmd)
                {
                    status(out, "syscmd");
                }
            }
            if (null != deprecatedSince)
            {
                bulk(out, "deprecated_since");
                bulk(out, deprecatedSince);
                bulk(out, "replaced_by");
                bulk(out, replacedBy);
            }
            if (!history.isEmpty())
            {
                bulk(out, "history");
                header(out, '*', history.size());
                for (final String[] change : history)
                {
                    header(out, '*', 2);
                    bulk(out, change[0]);
                    bulk(out, change[1]);
                }
            }
            if (null != arguments)
            {
                bulk(out, "arguments");
                CommandSyntax.write(out, arguments);
            }
            if (!subcommands.isEmpty())
            {
                bulk(out, "subcommands");
                header(out, '*', subcommands.size() * 2L);
                for (final Doc subcommand : subcommands.values())
                {
                    bulk(out, subcommand.name);
                    subcommand.write(out);
                }
            }
        }

        private static void status(final ByteArrayOutputStream out, final String value)
        {
            out.write('+');
            out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(CRLF);
        }

        private static String once(
            final String previous, final String value, final String field, final String source, final int line)
        {
            if (null != previous)
            {
                throw error(source, line, "a second " + field + " line");
            }
            return value;
        }

        private static String version(final String value, final String source, final int line)
        {
            if (!CommandSyntax.isVersion(value))
            {
                throw error(source, line, "not a version: " + value);
            }
            return value;
        }

        private static String[] versionAndText(final String value, final String source, final int line)
        {
            final int space = value.indexOf(' ');
            if (space <= 0)
            {
                throw error(source, line, "a version and a text are needed: " + value);
            }
            return new String[]{ version(value.substring(0, space), source, line), value.substring(space + 1) };
        }
    }

    /**
     * The shipped documentation, read when first asked for.
     */
    private static final class Shipped
    {
        private static final CommandDocs DOCS = load();

        private static CommandDocs load()
        {
            try (InputStream in = CommandDocs.class.getResourceAsStream(RESOURCE))
            {
                if (null == in)
                {
                    throw new IllegalStateException(RESOURCE + " is not on the class path");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
