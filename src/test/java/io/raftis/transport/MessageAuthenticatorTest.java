package io.raftis.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageAuthenticatorTest
{
    private static final int T = MessageAuthenticator.TAG_LENGTH;

    /**
     * The tag is HMAC-SHA-256 over the receiver's id (little-endian) and the message, cut to 16 bytes: what the
     * JDK's Mac computes, for keys shorter and longer than a block, messages of one part or two, on heap or off.
     */
    @Test
    void shouldComputeWhatTheJdksHmacSha256Computes() throws Exception
    {
        final Random random = new Random(7);
        for (final int keyLength : new int[]{1, 32, 64, 65, 200})
        {
            final byte[] key = new byte[keyLength];
            random.nextBytes(key);
            final MessageAuthenticator authenticator = new MessageAuthenticator(key);
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (final int length : new int[]{0, 1, 55, 64, 4095, 4096, 10_000})
            {
                final int firstLength = length / 3;
                final byte[] message = new byte[length];
                random.nextBytes(message);
                final int to = random.nextInt(1 << 20);

                final UnsafeBuffer first = new UnsafeBuffer(new byte[T + firstLength]);
                first.putBytes(T, message, 0, firstLength);
                final UnsafeBuffer second = new UnsafeBuffer(ByteBuffer.allocateDirect(length - firstLength));
                second.putBytes(0, message, firstLength, length - firstLength);
                authenticator.sign(to, first, T, firstLength, second, 0, length - firstLength);

                mac.update(new byte[]{(byte)to, (byte)(to >>> 8), (byte)(to >>> 16), (byte)(to >>> 24)});
                final byte[] expected = Arrays.copyOf(mac.doFinal(message), T);
                final byte[] tag = new byte[T];
                first.getBytes(0, tag);
                assertArrayEquals(expected, tag, "key of " + keyLength + " bytes, message of " + length);

                final UnsafeBuffer whole = new UnsafeBuffer(ByteBuffer.allocateDirect(T + length));
                whole.putBytes(0, tag);
                whole.putBytes(T, message);
                assertTrue(authenticator.verify(to, whole, 0, T + length));
                assertFalse(authenticator.verify(to + 1, whole, 0, T + length), "bound to the receiver");
            }
        }
    }

    /**
     * Every Raft message is signed and verified: doing so allocates nothing, so the duty cycle makes no garbage per
     * message (the JDK's Mac allocates its inner digest on every doFinal).
     */
    @Test
    void shouldAllocateNothingToSignAndVerify()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final MessageAuthenticator authenticator = new MessageAuthenticator(new byte[32]);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[T + 100]);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(T + 5000));
        for (int i = 0; i < 20_000; i++) // past the JIT's first compilations
        {
            authenticator.sign(2, heap, T, 100, direct, 0, 5000);
            authenticator.verify(2, direct, 0, T + 5000);
        }

        final long thread = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++)
        {
            authenticator.sign(2, heap, T, 100, direct, 0, 5000);
            authenticator.verify(2, direct, 0, T + 5000);
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 10_000, "10,000 messages signed and verified allocated " + allocated + " bytes");
    }
}
