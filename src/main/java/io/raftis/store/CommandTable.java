package io.raftis.store;

import io.raftis.resp.RespParser;
import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The commands a node knows, found by name case-insensitively without allocation.
 * <p>
 * Any package registers commands: {@link StringCommands#register(CommandTable)} adds the string and keyspace
 * commands, the node adds its own (PING, INFO, ROLE, ...). Iteration is in registration order, so COMMAND lists the
 * same commands in the same order on every node.
 */
public final class CommandTable
{
    private static final int MAX_UNKNOWN_COMMAND_ARGS_LENGTH = 128;
    private static final byte[] UNKNOWN_COMMAND_PREFIX = "ERR unknown command '".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNKNOWN_COMMAND_ARGS =
        "', with args beginning with: ".getBytes(StandardCharsets.US_ASCII);

    private Command[] slots = new Command[64];
    private Command[] commands = new Command[32];
    private int size;
    private int maxNameLength;

    /**
     * Redis's reply to a command called with a number of arguments its arity does not allow.
     *
     * @param command that was called.
     * @return "ERR wrong number of arguments for 'name' command".
     */
    public static String arityError(final Command command)
    {
        return command.arityError();
    }

    /**
     * Redis 7's reply to a command that is not in the table: "ERR unknown command 'name', with args beginning
     * with: 'arg1' 'arg2' ", quoting arguments (each cut at a NUL byte, as Redis's C strings are) while fewer than
     * 128 bytes of them have been quoted, the name cut at 128 bytes, and CR and LF replaced by spaces. The bytes are
     * decoded as UTF-8, so {@link io.raftis.resp.RespWriter#error(String)} writes back the bytes the client sent
     * when they are valid UTF-8. Allocates: meant for the error path.
     *
     * @param args a parsed command with at least one argument.
     * @return the error message.
     */
    public static String unknownCommandError(final RespParser args)
    {
        final ByteArrayOutputStream quoted = new ByteArrayOutputStream();
        for (int i = 1, count = args.argCount(); i < count && quoted.size() < MAX_UNKNOWN_COMMAND_ARGS_LENGTH; i++)
        {
            final int precision = MAX_UNKNOWN_COMMAND_ARGS_LENGTH - quoted.size();
            quoted.write('\'');
            appendCString(quoted, args, i, precision);
            quoted.write('\'');
            quoted.write(' ');
        }

        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(UNKNOWN_COMMAND_PREFIX);
        appendCString(message, args, 0, MAX_UNKNOWN_COMMAND_ARGS_LENGTH);
        message.writeBytes(UNKNOWN_COMMAND_ARGS);
        message.writeBytes(quoted.toByteArray());

        final byte[] bytes = message.toByteArray();
        for (int i = 0; i < bytes.length; i++)
        {
            if ('\r' == bytes[i] || '\n' == bytes[i])
            {
                bytes[i] = ' ';
            }
        }

        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Add a command.
     *
     * @param command to add.
     * @throws IllegalArgumentException if a command of the same name is already registered.
     */
    public void register(final Command command)
    {
        final byte[] name = command.nameBytes();
        if (null != lookup(command.name()))
        {
            throw new IllegalArgumentException("command already registered: " + command.name());
        }

        if ((size + 1) * 2 > slots.length)
        {
            final Command[] oldSlots = slots;
            slots = new Command[oldSlots.length * 2];
            for (final Command existing : oldSlots)
            {
                if (null != existing)
                {
                    insert(existing);
                }
            }
        }

        insert(command);
        if (size == commands.length)
        {
            commands = Arrays.copyOf(commands, size * 2);
        }
        commands[size++] = command;
        maxNameLength = Math.max(maxNameLength, name.length);
    }

    /**
     * Find a command by name, ignoring ASCII case, without allocation.
     *
     * @param buffer holding the name.
     * @param offset of the name in the buffer.
     * @param length of the name.
     * @return the command or null if there is none of that name.
     */
    public Command lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxNameLength || length <= 0)
        {
            return null;
        }

        final Command[] slots = this.slots;
        final int mask = slots.length - 1;
        int index = hashIgnoreCase(buffer, offset, length) & mask;

        Command command;
        while (null != (command = slots[index]))
        {
            if (equalsIgnoreCase(command.nameBytes(), buffer, offset, length))
            {
                return command;
            }

            index = (index + 1) & mask;
        }

        return null;
    }

    /**
     * Find the command named by argument 0 of a parsed command, without allocation.
     *
     * @param args a parsed command.
     * @return the command or null if there is none of that name or no argument at all.
     */
    public Command lookup(final RespParser args)
    {
        if (args.argCount() < 1)
        {
            return null;
        }

        return lookup(args.argBuffer(), args.argOffset(0), args.argLength(0));
    }

    /**
     * Find a command by name, ignoring case.
     *
     * @param name of the command.
     * @return the command or null if there is none of that name.
     */
    public Command lookup(final CharSequence name)
    {
        final int length = name.length();
        if (length > maxNameLength || length <= 0)
        {
            return null;
        }

        final Command[] slots = this.slots;
        final int mask = slots.length - 1;
        int h = 0;
        for (int i = 0; i < length; i++)
        {
            h = 31 * h + toLower(name.charAt(i));
        }
        int index = mix(h) & mask;

        Command command;
        while (null != (command = slots[index]))
        {
            final byte[] nameBytes = command.nameBytes();
            if (nameBytes.length == length)
            {
                int i = 0;
                while (i < length && nameBytes[i] == toLower(name.charAt(i)))
                {
                    i++;
                }
                if (i == length)
                {
                    return command;
                }
            }

            index = (index + 1) & mask;
        }

        return null;
    }

    /**
     * @return number of commands.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param index in [0, size()), in registration order.
     * @return the command registered index-th.
     */
    public Command command(final int index)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index=" + index + " size=" + size);
        }

        return commands[index];
    }

    /**
     * Visit every command in registration order.
     *
     * @param consumer of the commands.
     */
    public void forEach(final Consumer<Command> consumer)
    {
        for (int i = 0; i < size; i++)
        {
            consumer.accept(commands[i]);
        }
    }

    private void insert(final Command command)
    {
        final byte[] name = command.nameBytes();
        int h = 0;
        for (final byte b : name)
        {
            h = 31 * h + b;
        }

        final int mask = slots.length - 1;
        int index = mix(h) & mask;
        while (null != slots[index])
        {
            index = (index + 1) & mask;
        }
        slots[index] = command;
    }

    private static int hashIgnoreCase(final DirectBuffer buffer, final int offset, final int length)
    {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            h = 31 * h + toLower(buffer.getByte(i));
        }

        return mix(h);
    }

    private static boolean equalsIgnoreCase(
        final byte[] lowerCaseName, final DirectBuffer buffer, final int offset, final int length)
    {
        if (lowerCaseName.length != length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            if (lowerCaseName[i] != toLower(buffer.getByte(offset + i)))
            {
                return false;
            }
        }

        return true;
    }

    private static int toLower(final int c)
    {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static int mix(final int h)
    {
        final int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private static void appendCString(
        final ByteArrayOutputStream out, final RespParser args, final int index, final int max)
    {
        final DirectBuffer buffer = args.argBuffer();
        final int offset = args.argOffset(index);
        final int length = Math.min(args.argLength(index), max);
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (0 == b)
            {
                break;
            }
            out.write(b);
        }
    }
}
