package io.raftis.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The MAC that opens every Raft message on the wire: {@link #TAG_LENGTH} bytes of HMAC-SHA-256 (truncated as RFC
 * 4868 does) over the id of the member it is addressed to, then the SBE message that follows the tag. Binding the
 * receiver means a message cannot be replayed to a member it was not meant for. The MAC is checked before any byte
 * of the message is decoded. One instance per thread.
 * <p>
 * HMAC (RFC 2104) is built here on two SHA-256 digests rather than taken from {@code javax.crypto.Mac}, whose
 * {@code doFinal} allocates the inner digest's result on every message: this is allocation-free after construction.
 */
public final class MessageAuthenticator
{
    public static final int TAG_LENGTH = 16;
    private static final String DIGEST = "SHA-256";
    private static final int BLOCK_LENGTH = 64;
    private static final int DIGEST_LENGTH = 32;
    private static final int CHUNK_LENGTH = 4096;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] digest = new byte[DIGEST_LENGTH];
    private final byte[] chunk = new byte[CHUNK_LENGTH];

    public MessageAuthenticator(final byte[] key)
    {
        try
        {
            inner = MessageDigest.getInstance(DIGEST);
            outer = MessageDigest.getInstance(DIGEST);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no " + DIGEST, ex);
        }
        // a key longer than a block is hashed first; the key is zero-padded to a block
        final byte[] blockKey = key.length > BLOCK_LENGTH ? inner.digest(key) : key;
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            final byte k = i < blockKey.length ? blockKey[i] : 0;
            innerPad[i] = (byte)(k ^ 0x36);
            outerPad[i] = (byte)(k ^ 0x5c);
        }
    }

    /**
     * Write the tag of a message of one or two parts into the {@link #TAG_LENGTH} bytes before the first part.
     *
     * @param to           the member the message is addressed to.
     * @param buffer       holding the tag's room at {@code offset - TAG_LENGTH}, then the first part.
     * @param offset       of the first part.
     * @param length       of the first part.
     * @param second       the second part, or null.
     * @param secondOffset of the second part.
     * @param secondLength of the second part.
     */
    public void sign(
        final int to,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length,
        final DirectBuffer second,
        final int secondOffset,
        final int secondLength)
    {
        compute(to, buffer, offset, length, second, secondOffset, secondLength);
        buffer.putBytes(offset - TAG_LENGTH, digest, 0, TAG_LENGTH);
    }

    /**
     * @param self   the id of the member that received the message.
     * @param buffer holding the message.
     * @param offset of the tag.
     * @param length of the tag and the message after it.
     * @return true when the message carries the tag only a holder of the key could compute for this member.
     */
    public boolean verify(final int self, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < TAG_LENGTH)
        {
            return false;
        }
        compute(self, buffer, offset + TAG_LENGTH, length - TAG_LENGTH, null, 0, 0);
        int difference = 0;
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            difference |= digest[i] ^ buffer.getByte(offset + i); // in constant time: no early exit
        }
        return 0 == difference;
    }

    private void compute(
        final int receiver,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final DirectBuffer second,
        final int secondOffset,
        final int secondLength)
    {
        inner.update(innerPad);
        inner.update((byte)receiver);
        inner.update((byte)(receiver >>> 8));
        inner.update((byte)(receiver >>> 16));
        inner.update((byte)(receiver >>> 24));
        update(buffer, offset, length);
        if (null != second)
        {
            update(second, secondOffset, secondLength);
        }
        try
        {
            inner.digest(digest, 0, DIGEST_LENGTH);
            outer.update(outerPad);
            outer.update(digest, 0, DIGEST_LENGTH);
            outer.digest(digest, 0, DIGEST_LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void update(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            inner.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }
        for (int done = 0; done < length; done += CHUNK_LENGTH)
        {
            final int n = Math.min(CHUNK_LENGTH, length - done);
            buffer.getBytes(offset + done, chunk, 0, n);
            inner.update(chunk, 0, n);
        }
    }
}
