package io.raftis.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a DUMP payload, as RESTORE is given one: a value in Redis's RDB encoding, then the RDB version and a
 * {@link Crc64} of everything before it, both little-endian.
 * <p>
 * Every encoding Redis 7.0 writes or still reads is understood: strings (plain, integer, {@link Lzf}); lists as a
 * quicklist of listpacks or plain nodes, of ziplists, as one ziplist or element by element; sets as an intset or
 * member by member; hashes as a listpack, ziplist, zipmap or field by field; sorted sets as a listpack, ziplist, with
 * binary scores or scores in text. Streams and module values, which raftis does not have, are refused.
 * <p>
 * The payload is input from a client and is checked throughout, more than Redis checks it by default (its
 * sanitize-dump-payload no): every length must fit in what is left of the payload before anything is allocated for
 * it, listpacks, ziplists, zipmaps and intsets must be well formed through to their last entry (entry lengths, back
 * lengths, counts, terminators, an intset in ascending order, a compact sorted set in order), members and fields must
 * not repeat, scores must be numbers, no collection may be empty, and the value must end exactly where the footer
 * starts. A payload that fails any check is refused whole: nothing is built from it that anyone sees.
 */
final class RdbDecoder
{
    /** Redis 7.0's RDB_VERSION: payloads of a later version are refused. */
    static final int RDB_VERSION = 10;
    /** The footer: 2 bytes of version, 8 of CRC. */
    static final int FOOTER_LENGTH = 10;

    static final int TYPE_STRING = 0;
    static final int TYPE_LIST = 1;
    static final int TYPE_SET = 2;
    static final int TYPE_ZSET = 3;
    static final int TYPE_HASH = 4;
    static final int TYPE_ZSET_2 = 5;
    static final int TYPE_HASH_ZIPMAP = 9;
    static final int TYPE_LIST_ZIPLIST = 10;
    static final int TYPE_SET_INTSET = 11;
    static final int TYPE_ZSET_ZIPLIST = 12;
    static final int TYPE_HASH_ZIPLIST = 13;
    static final int TYPE_LIST_QUICKLIST = 14;
    static final int TYPE_HASH_LISTPACK = 16;
    static final int TYPE_ZSET_LISTPACK = 17;
    static final int TYPE_LIST_QUICKLIST_2 = 18;

    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    static final int QUICKLIST_NODE_PLAIN = 1;
    static final int QUICKLIST_NODE_PACKED = 2;

    /** A listpack's or ziplist's element count that says "count them". */
    static final int UNKNOWN_COUNT = 0xFFFF;
    /** The longest array Java allocates. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * A payload that is not a valid encoding of a value: RESTORE's "Bad data format".
     */
    static final class BadPayloadException extends Exception
    {
        private static final long serialVersionUID = 1L;

        BadPayloadException(final String reason)
        {
            super(reason, null, false, false);
        }
    }

    private final byte[] bytes;
    private final int end;
    private int position;

    private RdbDecoder(final byte[] bytes, final int end)
    {
        this.bytes = bytes;
        this.end = end;
    }

    /**
     * @param payload a DUMP payload.
     * @return whether it ends with a version Redis 7.0 reads and the CRC of what precedes the CRC, as Redis checks
     * before it reads anything else ("DUMP payload version or checksum are wrong" if not).
     */
    static boolean verifyFooter(final byte[] payload)
    {
        if (payload.length < FOOTER_LENGTH)
        {
            return false;
        }
        final int footer = payload.length - FOOTER_LENGTH;
        final int version = (payload[footer] & 0xFF) | (payload[footer + 1] & 0xFF) << 8;
        if (version > RDB_VERSION)
        {
            return false;
        }
        final long crc = Crc64.update(0, payload, 0, payload.length - 8);
        for (int i = 0; i < 8; i++)
        {
            if ((byte)(crc >>> (8 * i)) != payload[footer + 2 + i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Read the value of a payload whose footer {@link #verifyFooter(byte[])} accepted.
     *
     * @param payload the whole payload, footer included; not kept.
     * @return a new value, of the classes the keyspace holds: {@code byte[]}, {@link ListValue}, {@link SetValue},
     * {@link HashValue} or {@link SortedSetValue}.
     * @throws BadPayloadException if the value is not valid.
     */
    static Object decode(final byte[] payload) throws BadPayloadException
    {
        if (payload.length < FOOTER_LENGTH + 1)
        {
            throw new BadPayloadException("no value before the footer");
        }
        final RdbDecoder decoder = new RdbDecoder(payload, payload.length - FOOTER_LENGTH);
        final int type = decoder.readByte();
        final Object value = decoder.readValue(type);
        if (decoder.position != decoder.end)
        {
            throw new BadPayloadException("bytes after the value");
        }
        return value;
    }

    private Object readValue(final int type) throws BadPayloadException
    {
        return switch (type)
        {
            case TYPE_STRING -> readString();
            case TYPE_LIST -> readPlainList();
            case TYPE_SET -> readPlainSet();
            case TYPE_ZSET, TYPE_ZSET_2 -> readPlainSortedSet(TYPE_ZSET_2 == type);
            case TYPE_HASH -> readPlainHash();
            case TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2 -> readQuicklist(TYPE_LIST_QUICKLIST_2 == type);
            case TYPE_HASH_ZIPMAP -> hash(zipmapEntries(readString()));
            case TYPE_LIST_ZIPLIST -> list(ziplistEntries(readString()));
            case TYPE_SET_INTSET -> intset(readString());
            case TYPE_ZSET_ZIPLIST -> compactSortedSet(ziplistEntries(readString()));
            case TYPE_HASH_ZIPLIST -> hash(ziplistEntries(readString()));
            case TYPE_HASH_LISTPACK -> hash(listpackEntries(readString()));
            case TYPE_ZSET_LISTPACK -> compactSortedSet(listpackEntries(readString()));
            default -> throw new BadPayloadException("a type raftis does not read: " + type);
        };
    }

    private int readByte() throws BadPayloadException
    {
        if (position >= end)
        {
            throw new BadPayloadException("the value ends early");
        }
        return bytes[position++] & 0xFF;
    }

    private int remaining()
    {
        return end - position;
    }

    /**
     * @return a length in RDB's variable form (6, 14, 32 or 64 bits); a special string encoding is refused here.
     */
    private long readLength() throws BadPayloadException
    {
        final int first = readByte();
        final long length = readLengthAfter(first);
        if (length < 0)
        {
            throw new BadPayloadException("a length was expected");
        }
        return length;
    }

    /**
     * @return the length that starts with this byte, or -1 - encoding for a special string encoding.
     */
    private long readLengthAfter(final int first) throws BadPayloadException
    {
        switch (first >>> 6)
        {
            case 0:
                return first & 0x3F;
            case 1:
                return (first & 0x3F) << 8 | readByte();
            case 3:
                return -1 - (first & 0x3F);
            default:
                break;
        }
        if (0x80 == first)
        {
            long length = 0;
            for (int i = 0; i < 4; i++)
            {
                length = length << 8 | readByte();
            }
            return length;
        }
        if (0x81 == first)
        {
            long length = 0;
            for (int i = 0; i < 8; i++)
            {
                length = length << 8 | readByte();
            }
            if (length < 0)
            {
                throw new BadPayloadException("a length beyond any payload");
            }
            return length;
        }
        throw new BadPayloadException("an unknown length encoding");
    }

    /**
     * @return a count of items each at least minItemBytes long, checked to fit in what is left of the payload.
     */
    private int readCount(final int minItemBytes) throws BadPayloadException
    {
        final long count = readLength();
        if (0 == count)
        {
            throw new BadPayloadException("an empty collection");
        }
        if (count > remaining() / minItemBytes)
        {
            throw new BadPayloadException("a count longer than the payload");
        }
        return (int)count;
    }

    private byte[] readString() throws BadPayloadException
    {
        final long length = readLengthAfter(readByte());
        if (length >= 0)
        {
            if (length > remaining())
            {
                throw new BadPayloadException("a string longer than the payload");
            }
            final byte[] string = new byte[(int)length];
            System.arraycopy(bytes, position, string, 0, string.length);
            position += string.length;
            return string;
        }
        final int encoding = (int)(-1 - length);
        switch (encoding)
        {
            case ENC_INT8:
                return decimal((byte)readByte());
            case ENC_INT16:
                return decimal((short)(readByte() | readByte() << 8));
            case ENC_INT32:
                return decimal(readByte() | readByte() << 8 | readByte() << 16 | readByte() << 24);
            case ENC_LZF:
                return readLzf();
            default:
                throw new BadPayloadException("an unknown string encoding");
        }
    }

    private byte[] readLzf() throws BadPayloadException
    {
        final long compressed = readLength();
        final long length = readLength();
        if (compressed > remaining())
        {
            throw new BadPayloadException("compressed data longer than the payload");
        }
        if (length > compressed * Lzf.MAX_EXPANSION || length > MAX_ARRAY_LENGTH)
        {
            throw new BadPayloadException("a decompressed length the compressed data cannot give");
        }
        final byte[] string = new byte[(int)length];
        if (!Lzf.decompress(bytes, position, (int)compressed, string))
        {
            throw new BadPayloadException("invalid LZF data");
        }
        position += (int)compressed;
        return string;
    }

    private static byte[] decimal(final long value)
    {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private ListValue readPlainList() throws BadPayloadException
    {
        final int count = readCount(1);
        final ListValue list = new ListValue();
        for (int i = 0; i < count; i++)
        {
            list.push(readString(), false);
        }
        return list;
    }

    private SetValue readPlainSet() throws BadPayloadException
    {
        final int count = readCount(1);
        final SetValue set = new SetValue();
        for (int i = 0; i < count; i++)
        {
            if (!set.add(readString()))
            {
                throw new BadPayloadException("a repeated set member");
            }
        }
        return set;
    }

    private SortedSetValue readPlainSortedSet(final boolean binaryScores) throws BadPayloadException
    {
        final int count = readCount(binaryScores ? 1 + Double.BYTES : 2);
        final List<SortedSetValue.Entry> entries = new ArrayList<>();
        final Set<ByteBuffer> members = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] member = readString();
            final double score = binaryScores ? readBinaryDouble() : readTextDouble();
            if (Double.isNaN(score))
            {
                throw new BadPayloadException("a NaN score");
            }
            if (!members.add(ByteBuffer.wrap(member)))
            {
                throw new BadPayloadException("a repeated sorted set member");
            }
            entries.add(new SortedSetValue.Entry(member, score));
        }
        entries.sort((a, b) -> SortedSetValue.compare(a.score, a.member, b.score, b.member));
        return SortedSetValue.ofSorted(entries);
    }

    private double readBinaryDouble() throws BadPayloadException
    {
        if (remaining() < Double.BYTES)
        {
            throw new BadPayloadException("the value ends early");
        }
        long bits = 0;
        for (int i = 0; i < Double.BYTES; i++)
        {
            bits |= (bytes[position + i] & 0xFFL) << (8 * i);
        }
        position += Double.BYTES;
        return Double.longBitsToDouble(bits);
    }

    /**
     * @return a score in RDB's older text form: a length byte then the text, or 253, 254, 255 for NaN and the
     * infinities.
     */
    private double readTextDouble() throws BadPayloadException
    {
        final int length = readByte();
        switch (length)
        {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (length > remaining())
        {
            throw new BadPayloadException("a score longer than the payload");
        }
        final double score = Scores.parse(new UnsafeBuffer(bytes, position, length), 0, length);
        position += length;
        return score;
    }

    private HashValue readPlainHash() throws BadPayloadException
    {
        final int count = readCount(2);
        final HashValue hash = new HashValue();
        final UnsafeBuffer field = new UnsafeBuffer(new byte[0]);
        for (int i = 0; i < count; i++)
        {
            final byte[] name = readString();
            field.wrap(name);
            if (!hash.put(field, 0, name.length, readString()))
            {
                throw new BadPayloadException("a repeated hash field");
            }
        }
        return hash;
    }

    private ListValue readQuicklist(final boolean withContainers) throws BadPayloadException
    {
        final int nodes = readCount(withContainers ? 2 : 1);
        final ListValue list = new ListValue();
        for (int i = 0; i < nodes; i++)
        {
            final long container = withContainers ? readLength() : QUICKLIST_NODE_PACKED;
            if (QUICKLIST_NODE_PLAIN != container && QUICKLIST_NODE_PACKED != container)
            {
                throw new BadPayloadException("an unknown quicklist node container");
            }
            final byte[] node = readString();
            if (0 == node.length)
            {
                throw new BadPayloadException("an empty quicklist node");
            }
            if (QUICKLIST_NODE_PLAIN == container)
            {
                list.push(node, false);
                continue;
            }
            for (final byte[] element : withContainers ? listpackEntries(node) : ziplistEntries(node))
            {
                list.push(element, false);
            }
        }
        if (0 == list.size())
        {
            throw new BadPayloadException("an empty list");
        }
        return list;
    }

    private static ListValue list(final List<byte[]> elements) throws BadPayloadException
    {
        if (elements.isEmpty())
        {
            throw new BadPayloadException("an empty list");
        }
        final ListValue list = new ListValue();
        for (final byte[] element : elements)
        {
            list.push(element, false);
        }
        return list;
    }

    private static HashValue hash(final List<byte[]> entries) throws BadPayloadException
    {
        if (entries.isEmpty() || 0 != (entries.size() & 1))
        {
            throw new BadPayloadException("not fields and values");
        }
        final HashValue hash = new HashValue();
        final UnsafeBuffer field = new UnsafeBuffer(new byte[0]);
        for (int i = 0; i < entries.size(); i += 2)
        {
            final byte[] name = entries.get(i);
            field.wrap(name);
            if (!hash.put(field, 0, name.length, entries.get(i + 1)))
            {
                throw new BadPayloadException("a repeated hash field");
            }
        }
        return hash;
    }

    /**
     * @return a sorted set of the members and scores of a listpack or ziplist, which must be in order.
     */
    private static SortedSetValue compactSortedSet(final List<byte[]> entries) throws BadPayloadException
    {
        if (entries.isEmpty() || 0 != (entries.size() & 1))
        {
            throw new BadPayloadException("not members and scores");
        }
        final List<SortedSetValue.Entry> sorted = new ArrayList<>();
        final Set<ByteBuffer> members = new HashSet<>();
        for (int i = 0; i < entries.size(); i += 2)
        {
            final byte[] member = entries.get(i);
            final double score = Scores.parse(entries.get(i + 1));
            if (Double.isNaN(score))
            {
                throw new BadPayloadException("a score that is not a number");
            }
            if (!members.add(ByteBuffer.wrap(member)))
            {
                throw new BadPayloadException("a repeated sorted set member");
            }
            final SortedSetValue.Entry previous = sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
            if (null != previous && SortedSetValue.compare(previous.score, previous.member, score, member) >= 0)
            {
                throw new BadPayloadException("sorted set entries out of order");
            }
            sorted.add(new SortedSetValue.Entry(member, score));
        }
        return SortedSetValue.ofSorted(sorted);
    }

    private static SetValue intset(final byte[] blob) throws BadPayloadException
    {
        if (blob.length < 8)
        {
            throw new BadPayloadException("an intset without its header");
        }
        final int width = (int)littleEndian(blob, 0, 4);
        if (2 != width && 4 != width && 8 != width)
        {
            throw new BadPayloadException("an unknown intset encoding");
        }
        final long count = littleEndian(blob, 4, 4) & 0xFFFF_FFFFL;
        if (0 == count || 8 + count * width != blob.length)
        {
            throw new BadPayloadException("an intset of the wrong length");
        }
        final SetValue set = new SetValue();
        long previous = 0;
        for (int i = 0; i < count; i++)
        {
            final long raw = littleEndian(blob, 8 + i * width, width);
            final long value = 8 == width ? raw : raw << (64 - 8 * width) >> (64 - 8 * width);
            if (i > 0 && value <= previous)
            {
                throw new BadPayloadException("an intset out of order or repeated");
            }
            set.add(decimal(value));
            previous = value;
        }
        return set;
    }

    private static long littleEndian(final byte[] blob, final int offset, final int width)
    {
        long value = 0;
        for (int i = width - 1; i >= 0; i--)
        {
            value = value << 8 | (blob[offset + i] & 0xFF);
        }
        return value;
    }

    /**
     * @return the entries of a listpack, integers as their decimal text, after checking it through to its end.
     */
    static List<byte[]> listpackEntries(final byte[] lp) throws BadPayloadException
    {
        if (lp.length < 7 || littleEndian(lp, 0, 4) != lp.length || (lp[lp.length - 1] & 0xFF) != 0xFF)
        {
            throw new BadPayloadException("a listpack of the wrong length or unterminated");
        }
        final int declared = (int)littleEndian(lp, 4, 2);
        final int last = lp.length - 1;
        final List<byte[]> entries = new ArrayList<>();
        int p = 6;
        while (p < last)
        {
            final int first = lp[p] & 0xFF;
            final long header;
            final long payload;
            if (first < 0x80)
            {
                header = 1;
                payload = 0;
            }
            else if (first < 0xC0)
            {
                header = 1;
                payload = first & 0x3F;
            }
            else if (first < 0xE0)
            {
                header = 2;
                payload = 0;
            }
            else if (first < 0xF0)
            {
                header = 2;
                payload = p + 1 < last ? (first & 0x0F) << 8 | (lp[p + 1] & 0xFF) : 0;
            }
            else
            {
                switch (first)
                {
                    case 0xF0 -> header = 5;
                    case 0xF1 -> header = 3;
                    case 0xF2 -> header = 4;
                    case 0xF3 -> header = 5;
                    case 0xF4 -> header = 9;
                    default -> throw new BadPayloadException("an unknown listpack encoding");
                }
                payload = 0xF0 == first && p + 5 <= last ? littleEndian(lp, p + 1, 4) & 0xFFFF_FFFFL : 0;
            }
            final long encoded = header + payload;
            final int backlength = backlengthSize(encoded);
            if (p + encoded + backlength > last)
            {
                throw new BadPayloadException("a listpack entry beyond its end");
            }
            final int data = p + (int)header;
            entries.add(switch (first >>> 4)
            {
                case 0x8, 0x9, 0xA, 0xB, 0xE -> copy(lp, data, (int)payload);
                case 0xC, 0xD -> decimal(((first & 0x1F) << 8 | (lp[p + 1] & 0xFF)) << 19 >> 19);
                case 0xF -> 0xF0 == first ? copy(lp, data, (int)payload) :
                    decimal(littleEndian(lp, p + 1, (int)header - 1) << (64 - 8 * (header - 1)) >>
                        (64 - 8 * (header - 1)));
                default -> decimal(first);
            });
            p += (int)encoded;
            checkBacklength(lp, p, encoded, backlength);
            p += backlength;
        }
        if (UNKNOWN_COUNT != declared && declared != entries.size())
        {
            throw new BadPayloadException("a listpack whose count is wrong");
        }
        return entries;
    }

    private static int backlengthSize(final long encoded)
    {
        if (encoded <= 127)
        {
            return 1;
        }
        if (encoded < 16383)
        {
            return 2;
        }
        if (encoded < 2097151)
        {
            return 3;
        }
        return encoded < 268435455 ? 4 : 5;
    }

    /**
     * Check the back length as a listpack writes it: the entry's length 7 bits a byte, most significant first, every
     * byte after the first with its top bit set.
     */
    private static void checkBacklength(final byte[] lp, final int at, final long encoded, final int size)
        throws BadPayloadException
    {
        for (int i = 0; i < size; i++)
        {
            final int shift = 7 * (size - 1 - i);
            final int expected = (int)((encoded >>> shift) & 127) | (0 == i ? 0 : 128);
            if ((lp[at + i] & 0xFF) != expected)
            {
                throw new BadPayloadException("a listpack back length that does not match its entry");
            }
        }
    }

    private static byte[] copy(final byte[] from, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        System.arraycopy(from, offset, copy, 0, length);
        return copy;
    }

    /**
     * @return the entries of a ziplist, integers as their decimal text, after checking it through to its end.
     */
    static List<byte[]> ziplistEntries(final byte[] zl) throws BadPayloadException
    {
        if (zl.length < 11 || littleEndian(zl, 0, 4) != zl.length || (zl[zl.length - 1] & 0xFF) != 0xFF)
        {
            throw new BadPayloadException("a ziplist of the wrong length or unterminated");
        }
        final long tail = littleEndian(zl, 4, 4) & 0xFFFF_FFFFL;
        final int declared = (int)littleEndian(zl, 8, 2);
        final int last = zl.length - 1;
        final List<byte[]> entries = new ArrayList<>();
        int p = 10;
        int previousStart = -1;
        long previousLength = 0;
        while (p < last)
        {
            final int start = p;
            final long previous;
            if ((zl[p] & 0xFF) < 254)
            {
                previous = zl[p] & 0xFF;
                p += 1;
            }
            else
            {
                if ((zl[p] & 0xFF) != 254 || p + 5 > last)
                {
                    throw new BadPayloadException("a ziplist entry beyond its end");
                }
                previous = littleEndian(zl, p + 1, 4) & 0xFFFF_FFFFL;
                p += 5;
            }
            if (previous != previousLength || p >= last)
            {
                throw new BadPayloadException("a ziplist entry whose previous length is wrong");
            }
            final int encoding = zl[p] & 0xFF;
            final long length;
            final int header;
            switch (encoding >>> 6)
            {
                case 0 ->
                {
                    header = 1;
                    length = encoding & 0x3F;
                }
                case 1 ->
                {
                    header = 2;
                    length = p + 1 < last ? (encoding & 0x3F) << 8 | (zl[p + 1] & 0xFF) : 0;
                }
                case 2 ->
                {
                    if (0x80 != encoding)
                    {
                        throw new BadPayloadException("an unknown ziplist encoding");
                    }
                    header = 5;
                    length = p + 5 <= last ? Integer.toUnsignedLong(
                        (zl[p + 1] & 0xFF) << 24 | (zl[p + 2] & 0xFF) << 16 | (zl[p + 3] & 0xFF) << 8 |
                        (zl[p + 4] & 0xFF)) : 0;
                }
                default ->
                {
                    header = 1;
                    length = switch (encoding)
                    {
                        case 0xC0 -> 2;
                        case 0xD0 -> 4;
                        case 0xE0 -> 8;
                        case 0xF0 -> 3;
                        case 0xFE -> 1;
                        default ->
                        {
                            if (encoding < 0xF1 || encoding > 0xFD)
                            {
                                throw new BadPayloadException("an unknown ziplist encoding");
                            }
                            yield 0;
                        }
                    };
                }
            }
            if (p + header + length > last)
            {
                throw new BadPayloadException("a ziplist entry beyond its end");
            }
            final int data = p + header;
            if (encoding < 0xC0)
            {
                entries.add(copy(zl, data, (int)length));
            }
            else if (0 == length)
            {
                entries.add(decimal((encoding & 0x0F) - 1));
            }
            else
            {
                final int width = (int)length;
                entries.add(decimal(littleEndian(zl, data, width) << (64 - 8 * width) >> (64 - 8 * width)));
            }
            p = data + (int)length;
            previousStart = start;
            previousLength = p - start;
        }
        if (-1 != previousStart ? tail != previousStart : tail > last)
        {
            throw new BadPayloadException("a ziplist whose tail offset is wrong");
        }
        if (UNKNOWN_COUNT != declared && declared != entries.size())
        {
            throw new BadPayloadException("a ziplist whose count is wrong");
        }
        return entries;
    }

    /**
     * @return the fields and values of a zipmap, Redis 2.4's small hash, after checking it through to its end.
     */
    static List<byte[]> zipmapEntries(final byte[] zm) throws BadPayloadException
    {
        if (zm.length < 2 || (zm[zm.length - 1] & 0xFF) != 0xFF)
        {
            throw new BadPayloadException("a zipmap unterminated");
        }
        final int last = zm.length - 1;
        final List<byte[]> entries = new ArrayList<>();
        int p = 1;
        while (p < last)
        {
            final int[] at = { p };
            final byte[] field = zipmapString(zm, at, last, false);
            final byte[] value = zipmapString(zm, at, last, true);
            entries.add(field);
            entries.add(value);
            p = at[0];
        }
        final int declared = zm[0] & 0xFF;
        if (p != last || (254 != declared && declared != entries.size() / 2))
        {
            throw new BadPayloadException("a zipmap whose count or end is wrong");
        }
        return entries;
    }

    private static byte[] zipmapString(final byte[] zm, final int[] at, final int last, final boolean withFree)
        throws BadPayloadException
    {
        int p = at[0];
        final long length;
        final int first = zm[p] & 0xFF;
        if (first < 254)
        {
            length = first;
            p += 1;
        }
        else
        {
            if (254 != first || p + 5 > last)
            {
                throw new BadPayloadException("a zipmap entry beyond its end");
            }
            length = littleEndian(zm, p + 1, 4) & 0xFFFF_FFFFL;
            p += 5;
        }
        int free = 0;
        if (withFree)
        {
            if (p >= last)
            {
                throw new BadPayloadException("a zipmap entry beyond its end");
            }
            free = zm[p++] & 0xFF;
        }
        if (p + length + free > last)
        {
            throw new BadPayloadException("a zipmap entry beyond its end");
        }
        final byte[] string = copy(zm, p, (int)length);
        at[0] = p + (int)length + free;
        return string;
    }
}
