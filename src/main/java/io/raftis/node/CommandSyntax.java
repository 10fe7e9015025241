package io.raftis.node;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The syntax notation of {@code command-docs.txt} (its header describes it), read into Redis's argument tree: each
 * argument with a name, a type, a key_spec_index for keys, a token, the version that added it, the flags optional,
 * multiple and multiple_token, and the arguments of a block or oneof; and the tree written as COMMAND DOCS answers
 * it.
 */
final class CommandSyntax
{
    private static final Set<String> TYPES = Set.of("string", "integer", "double", "key", "pattern", "unix-time");
    private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+");
    private static final Pattern TOKEN = Pattern.compile("[A-Z][A-Z0-9_-]*");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final String text;
    private int position;
    private int nextKeySpec;

    private CommandSyntax(final String text)
    {
        this.text = text;
    }

    /**
     * One argument of a command, as COMMAND DOCS describes it.
     */
    static final class Arg
    {
        String name;
        String type;
        int keySpecIndex = -1;
        String token;
        String since;
        boolean optional;
        boolean multiple;
        boolean multipleToken;
        List<Arg> arguments;

        /**
         * @return the argument in the notation's terms, for messages and tests: name:type, then its parts.
         */
        @Override
        public String toString()
        {
            final StringBuilder sb = new StringBuilder().append(name).append(':').append(type);
            if (keySpecIndex >= 0)
            {
                sb.append('#').append(keySpecIndex);
            }
            if (null != token)
            {
                sb.append(" token=").append(token);
            }
            if (null != since)
            {
                sb.append(" since=").append(since);
            }
            sb.append(optional ? " optional" : "").append(multiple ? " multiple" : "")
                .append(multipleToken ? " multiple_token" : "");
            if (null != arguments)
            {
                sb.append(' ').append(arguments);
            }
            return sb.toString();
        }
    }

    /**
     * What the notation is made of before it is read into arguments: a leaf, a token or a bracketed group.
     */
    private static final class Item
    {
        String label;
        String token;
        String leafName;
        String leafType;
        int keySpecIndex = -1;
        List<List<Item>> alternatives;
        boolean optional;
        boolean multiple;
        boolean multipleToken;
        String since;

        boolean isBareToken()
        {
            return null != token && !multiple && !multipleToken && null == since;
        }
    }

    /**
     * Read a syntax line.
     *
     * @param text the arguments in the notation.
     * @return the argument tree.
     * @throws IllegalArgumentException saying what is wrong and where.
     */
    static List<Arg> parse(final String text)
    {
        final CommandSyntax syntax = new CommandSyntax(text);
        final List<Item> items = syntax.sequence();
        if (syntax.position != text.length())
        {
            throw syntax.error("unexpected '" + text.charAt(syntax.position) + "'");
        }
        final List<Arg> args = new ArrayList<>(items.size());
        for (final Item item : items)
        {
            args.add(syntax.named(syntax.argument(item)));
        }
        return args;
    }

    /**
     * @param value a version such as 7.0.0.
     * @return whether it is one.
     */
    static boolean isVersion(final String value)
    {
        return VERSION.matcher(value).matches();
    }

    /**
     * Write arguments as COMMAND DOCS answers them in RESP2: an array of maps, each a flat array of fields and values.
     *
     * @param out  to write to.
     * @param args the arguments.
     */
    static void write(final ByteArrayOutputStream out, final List<Arg> args)
    {
        CommandDocs.header(out, '*', args.size());
        for (final Arg arg : args)
        {
            final boolean flags = arg.optional || arg.multiple || arg.multipleToken;
            final int fields = 2 + (arg.keySpecIndex >= 0 ? 1 : 0) + (null != arg.token ? 1 : 0) +
                (null != arg.since ? 1 : 0) + (flags ? 1 : 0) + (null != arg.arguments ? 1 : 0);
            CommandDocs.header(out, '*', fields * 2L);
            CommandDocs.bulk(out, "name");
            CommandDocs.bulk(out, arg.name);
            CommandDocs.bulk(out, "type");
            CommandDocs.bulk(out, arg.type);
            if (arg.keySpecIndex >= 0)
            {
                CommandDocs.bulk(out, "key_spec_index");
                CommandDocs.header(out, ':', arg.keySpecIndex);
            }
            if (null != arg.token)
            {
                CommandDocs.bulk(out, "token");
                CommandDocs.bulk(out, arg.token);
            }
            if (null != arg.since)
            {
                CommandDocs.bulk(out, "since");
                CommandDocs.bulk(out, arg.since);
            }
            if (flags)
            {
                CommandDocs.bulk(out, "flags");
                CommandDocs.header(out, '*', (arg.optional ? 1 : 0) + (arg.multiple ? 1 : 0) +
                    (arg.multipleToken ? 1 : 0));
                status(out, arg.optional, "+optional\r\n");
                status(out, arg.multiple, "+multiple\r\n");
                status(out, arg.multipleToken, "+multiple_token\r\n");
            }
            if (null != arg.arguments)
            {
                CommandDocs.bulk(out, "arguments");
                write(out, arg.arguments);
            }
        }
    }

    private static void status(final ByteArrayOutputStream out, final boolean present, final String encoded)
    {
        if (present)
        {
            out.writeBytes(encoded.getBytes(StandardCharsets.US_ASCII));
        }
    }

    // --- reading the notation into items ------------------------------------------------------------------------

    private List<Item> sequence()
    {
        final List<Item> items = new ArrayList<>();
        items.add(item());
        while (position < text.length() && text.charAt(position) == ' ')
        {
            position++;
            items.add(item());
        }
        return items;
    }

    private Item item()
    {
        final Item item = new Item();
        final int start = position;
        final String word = word();
        if (null != word && position < text.length() && text.charAt(position) == '=')
        {
            if (!isName(word))
            {
                throw error("a name is lower case: " + word);
            }
            position++;
            item.label = word;
        }
        else
        {
            position = start;
        }
        final char c = position < text.length() ? text.charAt(position) : 0;
        if ('[' == c || '(' == c)
        {
            position++;
            item.optional = '[' == c;
            item.alternatives = new ArrayList<>();
            item.alternatives.add(sequence());
            while (position < text.length() && text.charAt(position) == '|')
            {
                position++;
                item.alternatives.add(sequence());
            }
            expect('[' == c ? ']' : ')');
        }
        else if ('"' == c)
        {
            final int close = text.indexOf('"', position + 1);
            if (close < 0)
            {
                throw error("a quoted token without its closing quote");
            }
            item.token = text.substring(position + 1, close);
            if (item.token.isEmpty() || item.token.contains(" "))
            {
                throw error("a quoted token is one word");
            }
            position = close + 1;
        }
        else
        {
            final String name = word();
            if (null == name)
            {
                throw error(position < text.length() ? "unexpected '" + c + "'" : "an argument is missing");
            }
            if (Character.isUpperCase(name.charAt(0)))
            {
                if (!TOKEN.matcher(name).matches())
                {
                    throw error("a token is upper case, or quoted: " + name);
                }
                item.token = name;
            }
            else
            {
                leaf(item, name);
            }
        }
        suffixes(item);
        return item;
    }

    private void leaf(final Item item, final String name)
    {
        if (!isName(name))
        {
            throw error("a name is lower case: " + name);
        }
        item.leafName = name;
        item.leafType = "string";
        if (position < text.length() && text.charAt(position) == ':')
        {
            position++;
            final String type = word();
            if (null == type || !TYPES.contains(type))
            {
                throw error("not an argument type: " + type);
            }
            item.leafType = type;
        }
        if (position < text.length() && text.charAt(position) == '#')
        {
            position++;
            final int start = position;
            while (position < text.length() && Character.isDigit(text.charAt(position)))
            {
                position++;
            }
            if (start == position || !("key".equals(item.leafType) || "pattern".equals(item.leafType)))
            {
                throw error("#n follows a key's or a pattern's type: name:key#n, name:pattern#n");
            }
            item.keySpecIndex = Integer.parseInt(text.substring(start, position));
        }
    }

    private void suffixes(final Item item)
    {
        while (position < text.length())
        {
            if (text.startsWith("...+", position))
            {
                item.multipleToken = true;
                item.multiple = true;
                position += 4;
            }
            else if (text.startsWith("...", position))
            {
                item.multiple = true;
                position += 3;
            }
            else if (text.charAt(position) == '@')
            {
                position++;
                final int start = position;
                while (position < text.length() && (Character.isDigit(text.charAt(position)) ||
                    text.charAt(position) == '.'))
                {
                    position++;
                }
                item.since = text.substring(start, position);
                if (!isVersion(item.since))
                {
                    throw error("not a version: " + item.since);
                }
            }
            else
            {
                return;
            }
        }
    }

    private String word()
    {
        final int start = position;
        while (position < text.length())
        {
            final char c = text.charAt(position);
            if (Character.isLetterOrDigit(c) || '_' == c || '-' == c)
            {
                position++;
            }
            else
            {
                break;
            }
        }
        return start == position ? null : text.substring(start, position);
    }

    private void expect(final char c)
    {
        if (position >= text.length() || text.charAt(position) != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private static boolean isName(final String word)
    {
        return NAME.matcher(word).matches();
    }

    private IllegalArgumentException error(final String message)
    {
        return new IllegalArgumentException(message + " at column " + (position + 1) + " of: " + text);
    }

    // --- turning items into arguments ---------------------------------------------------------------------------

    private Arg argument(final Item item)
    {
        final Arg arg;
        if (null != item.leafName)
        {
            arg = new Arg();
            arg.name = item.leafName;
            arg.type = item.leafType;
            if ("key".equals(arg.type))
            {
                arg.keySpecIndex = item.keySpecIndex >= 0 ? item.keySpecIndex : nextKeySpec;
                nextKeySpec = arg.keySpecIndex + 1;
            }
            else
            {
                arg.keySpecIndex = item.keySpecIndex; // a pattern that names keys (SORT's BY and GET), or none
            }
        }
        else if (null != item.token)
        {
            arg = new Arg();
            arg.name = null != item.label ? item.label : item.token.toLowerCase(Locale.ROOT);
            arg.type = "pure-token";
            arg.token = item.token;
        }
        else if (item.alternatives.size() > 1)
        {
            arg = new Arg();
            arg.name = item.label;
            arg.type = "oneof";
            arg.arguments = new ArrayList<>();
            for (final List<Item> alternative : item.alternatives)
            {
                arg.arguments.add(named(alternative(alternative)));
            }
        }
        else if (null == item.label)
        {
            arg = alternative(item.alternatives.get(0));
        }
        else
        {
            arg = block(item.label, item.alternatives.get(0));
        }
        arg.optional |= item.optional;
        arg.multiple |= item.multiple;
        arg.multipleToken |= item.multipleToken;
        if (null != item.since)
        {
            if (null != arg.since)
            {
                throw error(arg.name + " has two versions");
            }
            arg.since = item.since;
        }
        return arg;
    }

    /**
     * A named group of one alternative: a block, led by a token when its first item is a token with more after it.
     */
    private Arg block(final String name, final List<Item> items)
    {
        final Arg arg = new Arg();
        arg.name = name;
        arg.type = "block";
        arg.arguments = new ArrayList<>();
        int first = 0;
        if (items.size() > 1 && items.get(0).isBareToken() && null == items.get(0).label)
        {
            arg.token = items.get(0).token;
            first = 1;
        }
        for (int i = first; i < items.size(); i++)
        {
            arg.arguments.add(named(argument(items.get(i))));
        }
        return arg;
    }

    /**
     * An alternative of a oneof, or the content of an unnamed group: one argument, or a token introducing the rest.
     */
    private Arg alternative(final List<Item> items)
    {
        if (1 == items.size())
        {
            return argument(items.get(0));
        }
        final Item first = items.get(0);
        if (!first.isBareToken())
        {
            throw error("several arguments in a group need a name, name=( ... ), or a token to lead them");
        }
        final Arg arg;
        if (2 == items.size())
        {
            arg = argument(items.get(1));
            if (null != arg.token)
            {
                throw error(first.token + " leads an argument that has a token already");
            }
            if (null != first.label)
            {
                arg.name = first.label;
            }
        }
        else
        {
            arg = new Arg();
            arg.name = null != first.label ? first.label : first.token.toLowerCase(Locale.ROOT);
            arg.type = "block";
            arg.arguments = new ArrayList<>();
            for (int i = 1; i < items.size(); i++)
            {
                arg.arguments.add(named(argument(items.get(i))));
            }
        }
        arg.token = first.token;
        return arg;
    }

    private Arg named(final Arg arg)
    {
        if (null == arg.name)
        {
            throw error("a oneof needs a name: name=[a|b], or a token before it: name=TOKEN (a|b)");
        }
        return arg;
    }
}
