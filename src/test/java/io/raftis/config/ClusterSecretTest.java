package io.raftis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSecretTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String MEMBERS = "1=127.0.0.1:8901:6379,2=127.0.0.1:8902:6479,3=127.0.0.1:8903:6579";

    @TempDir
    Path dir;

    @Test
    void sameSecretGivesTheSameClusterIdAndKeyWhateverTrailingWhiteSpace()
    {
        final ClusterSecret plain = ClusterSecret.of(SECRET.getBytes(StandardCharsets.US_ASCII));
        final ClusterSecret withNewline = ClusterSecret.of((SECRET + " \r\n").getBytes(StandardCharsets.US_ASCII));

        assertEquals(plain.clusterId(), withNewline.clusterId());
        assertArrayEquals(plain.macKey(MEMBERS), withNewline.macKey(MEMBERS));
    }

    @Test
    void anyOtherSecretGivesAnotherClusterIdAndKey()
    {
        final ClusterSecret one = ClusterSecret.of(SECRET.getBytes(StandardCharsets.US_ASCII));
        final ClusterSecret other = ClusterSecret.of((SECRET + "x").getBytes(StandardCharsets.US_ASCII));

        assertNotEquals(one.clusterId(), other.clusterId());
        assertFalse(java.util.Arrays.equals(one.macKey(MEMBERS), other.macKey(MEMBERS)));
    }

    @Test
    void anotherMemberListGivesAnotherKeyButTheSameClusterId()
    {
        final ClusterSecret secret = ClusterSecret.of(SECRET.getBytes(StandardCharsets.US_ASCII));

        assertFalse(java.util.Arrays.equals(secret.macKey(MEMBERS),
            secret.macKey(MEMBERS.replace("8903:6579", "8905:6579"))), "a member moved to another port");
        assertFalse(java.util.Arrays.equals(secret.macKey(MEMBERS),
            secret.macKey(MEMBERS + ",4=127.0.0.1:8904:6679")), "a member the others do not know");
        assertArrayEquals(secret.macKey(MEMBERS), secret.macKey(MEMBERS));
    }

    @Test
    void theMacKeyIsNeitherTheSecretNorTheClusterId()
    {
        final ClusterSecret secret = ClusterSecret.of(SECRET.getBytes(StandardCharsets.US_ASCII));

        assertFalse(java.util.Arrays.equals(SECRET.getBytes(StandardCharsets.US_ASCII), secret.macKey(MEMBERS)));
        long idFromKey = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            idFromKey = (idFromKey << 8) | (secret.macKey(MEMBERS)[i] & 0xFF);
        }
        assertNotEquals(idFromKey, secret.clusterId());
    }

    @Test
    void aSecretShorterThanSixteenBytesIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ClusterSecret.of("fifteen bytes!!   \n".getBytes(StandardCharsets.US_ASCII)));

        assertTrue(ex.getMessage().contains("from 16"), ex.getMessage());
    }

    @Test
    void aFileOthersMayReadIsRefusedNamingTheSetting() throws IOException
    {
        final Path file = TestSecrets.write(dir.resolve("secret"), SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read(file.toFile()));

        assertTrue(ex.getMessage().contains(Configuration.CLUSTER_SECRET_FILE_PROP_NAME), ex.getMessage());
        assertTrue(ex.getMessage().contains("chmod 600"), ex.getMessage());
    }

    @Test
    void anEmptyOrHugeFileIsRefusedNamingTheFile() throws IOException
    {
        final Path empty = TestSecrets.write(dir.resolve("empty"), "\n");
        final Path huge = TestSecrets.write(dir.resolve("huge"), "x".repeat(ClusterSecret.MAX_LENGTH + 100));

        for (final Path file : new Path[]{ empty, huge })
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read(file.toFile()));
            assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        }
    }

    @Test
    void readOrCreateWritesARandomSecretOnlyItsOwnerMayReadAndKeepsIt() throws IOException
    {
        final Path file = dir.resolve("sub").resolve("cluster.secret");

        final ClusterSecret created = ClusterSecret.readOrCreate(file.toFile());

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertEquals(65, Files.size(file)); // 32 random bytes in hex, and a newline
        assertEquals(created.clusterId(), ClusterSecret.readOrCreate(file.toFile()).clusterId());
        assertNotEquals(created.clusterId(), ClusterSecret.readOrCreate(dir.resolve("another").toFile()).clusterId());
    }
}
