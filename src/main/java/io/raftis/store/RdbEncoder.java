package io.raftis.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a value as DUMP gives it: its RDB type and encoding, then {@link RdbDecoder#RDB_VERSION} and the
 * {@link Crc64} of all before it, both little-endian, a payload redis-server 7.0 restores to the same value.
 * <p>
 * The encoding is the one Redis 7.0 chooses for the value as raftis reports it (see {@link ObjectCommands}): a string
 * as an integer when it is one of at most 11 characters within 32 bits, else as it is; a list as a quicklist of
 * listpacks, cut where Redis cuts a list pushed at its tail (8 KB); a set as an intset while it is one, else member by
 * member; a hash and a sorted set as a listpack while compact, else field by field, or member by member from the
 * highest with binary scores. Inside a listpack, an element that reads as a 64-bit integer is written as one, as
 * Redis writes it. As Redis, a string (or listpack, or intset) longer than 20 bytes is written {@link Lzf}-compressed
 * when that saves at least 4 bytes; the compressed bytes are raftis's compressor's, so they may differ from Redis's,
 * which Redis reads all the same.
 */
final class RdbEncoder
{
    /** Redis's list-max-listpack-size -2: a quicklist node's listpack holds at most 8 KB. */
    private static final int QUICKLIST_NODE_BYTES = 8192;
    /** What Redis adds to an element's length to estimate its growth of a listpack. */
    private static final int QUICKLIST_ENTRY_OVERHEAD = 8;
    private static final int LISTPACK_HEADER = 6;
    /** Redis tries LZF only on strings longer than this. */
    private static final int MIN_COMPRESSED_LENGTH = 20;
    /** ... and keeps the compressed form only if it saves at least this many bytes. */
    private static final int MIN_COMPRESSION_GAIN = 4;

    /** The longest payload: the longest array Java allocates. */
    static final int MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * A value whose payload would be longer than the longest allowed.
     */
    static final class PayloadTooLongException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        PayloadTooLongException()
        {
            super("a DUMP payload longer than the longest allowed", null, false, false);
        }
    }

    private final int maxLength;
    private byte[] out = new byte[64];
    private int length;

    private RdbEncoder(final int maxLength)
    {
        this.maxLength = maxLength;
    }

    /**
     * @param value a value the keyspace holds.
     * @return its DUMP payload.
     * @throws PayloadTooLongException if the payload would be longer than {@link #MAX_PAYLOAD_LENGTH}.
     */
    static byte[] encode(final Object value)
    {
        return encode(value, MAX_PAYLOAD_LENGTH);
    }

    /**
     * @param value     a value the keyspace holds.
     * @param maxLength the longest payload to write.
     * @return its DUMP payload.
     * @throws PayloadTooLongException if the payload would be longer than maxLength.
     */
    static byte[] encode(final Object value, final int maxLength)
    {
        final RdbEncoder encoder = new RdbEncoder(maxLength);
        encoder.writeValue(value);
        encoder.writeByte(RdbDecoder.RDB_VERSION & 0xFF);
        encoder.writeByte(RdbDecoder.RDB_VERSION >>> 8);
        final long crc = Crc64.update(0, encoder.out, 0, encoder.length);
        for (int i = 0; i < 8; i++)
        {
            encoder.writeByte((int)(crc >>> (8 * i)));
        }
        return Arrays.copyOf(encoder.out, encoder.length);
    }

    private void writeValue(final Object value)
    {
        if (value instanceof byte[])
        {
            writeByte(RdbDecoder.TYPE_STRING);
            writeString((byte[])value);
        }
        else if (value instanceof ListValue)
        {
            writeList((ListValue)value);
        }
        else if (value instanceof SetValue)
        {
            writeSet((SetValue)value);
        }
        else if (value instanceof HashValue)
        {
            writeHash((HashValue)value);
        }
        else if (value instanceof SortedSetValue)
        {
            writeSortedSet((SortedSetValue)value);
        }
        else
        {
            throw new IllegalStateException("a value of an unknown type: " + value.getClass().getName());
        }
    }

    private void writeList(final ListValue list)
    {
        writeByte(RdbDecoder.TYPE_LIST_QUICKLIST_2);
        final List<Listpack> nodes = new ArrayList<>();
        Listpack node = null;
        for (int i = 0; i < list.size(); i++)
        {
            final byte[] element = list.get(i);
            if (null == node || node.bytes() + element.length + QUICKLIST_ENTRY_OVERHEAD > QUICKLIST_NODE_BYTES)
            {
                node = new Listpack();
                nodes.add(node);
            }
            node.add(element);
        }
        writeLength(nodes.size());
        for (final Listpack listpack : nodes)
        {
            writeLength(RdbDecoder.QUICKLIST_NODE_PACKED);
            writeString(listpack.toBytes());
        }
    }

    private void writeSet(final SetValue set)
    {
        final long[] integers = new long[set.size()];
        final boolean[] allIntegers = { set.size() <= ObjectCommands.MAX_INTSET_ENTRIES };
        final int[] count = { 0 };
        final long[] parsed = new long[1];
        set.forEach(member ->
        {
            if (allIntegers[0] && member.length <= 20 && StringCommands.parseLong(member, parsed))
            {
                integers[count[0]++] = parsed[0];
            }
            else
            {
                allIntegers[0] = false;
            }
        });
        if (allIntegers[0])
        {
            writeByte(RdbDecoder.TYPE_SET_INTSET);
            writeString(intset(integers));
            return;
        }
        writeByte(RdbDecoder.TYPE_SET);
        writeLength(set.size());
        set.forEach(this::writeString);
    }

    /**
     * @return an intset of the integers, sorted, each as wide as the widest needs (16, 32 or 64 bits).
     */
    private static byte[] intset(final long[] integers)
    {
        Arrays.sort(integers);
        final long lowest = integers[0];
        final long highest = integers[integers.length - 1];
        final int width = lowest >= Short.MIN_VALUE && highest <= Short.MAX_VALUE ? 2 :
            lowest >= Integer.MIN_VALUE && highest <= Integer.MAX_VALUE ? 4 : 8;
        final byte[] blob = new byte[8 + integers.length * width];
        putLittleEndian(blob, 0, width, 4);
        putLittleEndian(blob, 4, integers.length, 4);
        for (int i = 0; i < integers.length; i++)
        {
            putLittleEndian(blob, 8 + i * width, integers[i], width);
        }
        return blob;
    }

    private void writeHash(final HashValue hash)
    {
        if (hash.isCompact())
        {
            writeByte(RdbDecoder.TYPE_HASH_LISTPACK);
            final Listpack listpack = new Listpack();
            hash.forEach((field, value) ->
            {
                listpack.add(field);
                listpack.add(value);
            });
            writeString(listpack.toBytes());
            return;
        }
        writeByte(RdbDecoder.TYPE_HASH);
        writeLength(hash.size());
        hash.forEach((field, value) ->
        {
            writeString(field);
            writeString(value);
        });
    }

    private void writeSortedSet(final SortedSetValue sortedSet)
    {
        if (sortedSet.isCompact())
        {
            writeByte(RdbDecoder.TYPE_ZSET_LISTPACK);
            final Listpack listpack = new Listpack();
            sortedSet.forEach((member, score) ->
            {
                listpack.add(member);
                listpack.add(Scores.formatCompact(score));
                return true;
            });
            writeString(listpack.toBytes());
            return;
        }
        writeByte(RdbDecoder.TYPE_ZSET_2);
        writeLength(sortedSet.size());
        sortedSet.visit(sortedSet.size() - 1, true, (member, score) ->
        {
            writeString(member);
            final long bits = Double.doubleToRawLongBits(score);
            for (int i = 0; i < Double.BYTES; i++)
            {
                writeByte((int)(bits >>> (8 * i)));
            }
            return true;
        });
    }

    /**
     * Write a string as Redis's rdbSaveRawString does: as an 8, 16 or 32-bit integer when it reads as one in at most
     * 11 characters; LZF-compressed when longer than 20 bytes and that saves 4 bytes or more; else its length then its
     * bytes.
     */
    private void writeString(final byte[] string)
    {
        final long[] parsed = new long[1];
        if (string.length <= 11 && StringCommands.parseLong(string, parsed))
        {
            final long value = parsed[0];
            if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE)
            {
                writeByte(0xC0 | RdbDecoder.ENC_INT8);
                writeByte((int)value);
                return;
            }
            if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE)
            {
                writeByte(0xC0 | RdbDecoder.ENC_INT16);
                writeByte((int)value);
                writeByte((int)(value >> 8));
                return;
            }
            if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE)
            {
                writeByte(0xC0 | RdbDecoder.ENC_INT32);
                for (int i = 0; i < 4; i++)
                {
                    writeByte((int)(value >> (8 * i)));
                }
                return;
            }
        }
        if (string.length > MIN_COMPRESSED_LENGTH)
        {
            final byte[] compressed = Lzf.compress(string, 0, string.length, string.length - MIN_COMPRESSION_GAIN);
            if (null != compressed)
            {
                writeByte(0xC0 | RdbDecoder.ENC_LZF);
                writeLength(compressed.length);
                writeLength(string.length);
                writeBytes(compressed);
                return;
            }
        }
        writeLength(string.length);
        writeBytes(string);
    }

    private void writeBytes(final byte[] string)
    {
        ensure(string.length);
        System.arraycopy(string, 0, out, length, string.length);
        length += string.length;
    }

    private void writeLength(final long value)
    {
        if (value < 1 << 6)
        {
            writeByte((int)value);
        }
        else if (value < 1 << 14)
        {
            writeByte(0x40 | (int)(value >>> 8));
            writeByte((int)value);
        }
        else if (value <= 0xFFFF_FFFFL)
        {
            writeByte(0x80);
            for (int i = 3; i >= 0; i--)
            {
                writeByte((int)(value >>> (8 * i)));
            }
        }
        else
        {
            writeByte(0x81);
            for (int i = 7; i >= 0; i--)
            {
                writeByte((int)(value >>> (8 * i)));
            }
        }
    }

    private void writeByte(final int value)
    {
        ensure(1);
        out[length++] = (byte)value;
    }

    private void ensure(final int more)
    {
        if ((long)length + more > maxLength)
        {
            throw new PayloadTooLongException();
        }
        if (out.length - length < more)
        {
            out = Arrays.copyOf(out, (int)Math.min(maxLength, Math.max((long)out.length << 1, (long)length + more)));
        }
    }

    private static void putLittleEndian(final byte[] into, final int offset, final long value, final int width)
    {
        for (int i = 0; i < width; i++)
        {
            into[offset + i] = (byte)(value >>> (8 * i));
        }
    }

    /**
     * A listpack being built, as Redis's lpAppend writes one: an element that reads as a 64-bit integer takes the
     * narrowest integer encoding, any other a 6, 12 or 32-bit length; each entry ends with its length backwards.
     */
    private static final class Listpack
    {
        private byte[] entries = new byte[32];
        private int used;
        private int count;

        int bytes()
        {
            return LISTPACK_HEADER + used + 1;
        }

        void add(final byte[] element)
        {
            final long[] parsed = new long[1];
            final int start = used;
            if (element.length <= 20 && StringCommands.parseLong(element, parsed))
            {
                addInteger(parsed[0]);
            }
            else
            {
                final int size = element.length;
                if (size < 64)
                {
                    put(0x80 | size);
                }
                else if (size < 4096)
                {
                    put(0xE0 | size >>> 8);
                    put(size);
                }
                else
                {
                    put(0xF0);
                    for (int i = 0; i < 4; i++)
                    {
                        put(size >>> (8 * i));
                    }
                }
                grow(size);
                System.arraycopy(element, 0, entries, used, size);
                used += size;
            }
            final int encoded = used - start;
            final int backlength = encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3 :
                encoded < 268435455 ? 4 : 5;
            for (int i = 0; i < backlength; i++)
            {
                put((encoded >>> (7 * (backlength - 1 - i))) & 127 | (0 == i ? 0 : 128));
            }
            count++;
        }

        private void addInteger(final long value)
        {
            final int width;
            if (value >= 0 && value <= 127)
            {
                put((int)value);
                return;
            }
            if (value >= -4096 && value <= 4095)
            {
                final int bits = (int)value & 0x1FFF;
                put(0xC0 | bits >>> 8);
                put(bits);
                return;
            }
            if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE)
            {
                put(0xF1);
                width = 2;
            }
            else if (value >= -(1 << 23) && value < 1 << 23)
            {
                put(0xF2);
                width = 3;
            }
            else if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE)
            {
                put(0xF3);
                width = 4;
            }
            else
            {
                put(0xF4);
                width = 8;
            }
            for (int i = 0; i < width; i++)
            {
                put((int)(value >>> (8 * i)));
            }
        }

        private void put(final int value)
        {
            grow(1);
            entries[used++] = (byte)value;
        }

        private void grow(final int more)
        {
            if (entries.length - used < more)
            {
                entries = Arrays.copyOf(entries, Math.max(entries.length << 1, used + more));
            }
        }

        byte[] toBytes()
        {
            final byte[] listpack = new byte[bytes()];
            putLittleEndian(listpack, 0, listpack.length, 4);
            putLittleEndian(listpack, 4, Math.min(count, RdbDecoder.UNKNOWN_COUNT), 2);
            System.arraycopy(entries, 0, listpack, LISTPACK_HEADER, used);
            listpack[listpack.length - 1] = (byte)0xFF;
            return listpack;
        }
    }
}
