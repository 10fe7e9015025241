package io.raftis.config;

import org.agrona.BitUtil;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The secret every member of a cluster shares: the key of the MAC each Raft message carries, and the source of the
 * cluster id. Read from {@code --cluster-secret-file}: its bytes, less trailing white space, at least
 * {@link #MIN_LENGTH} of them, in a file only its owner may read (as ssh and PostgreSQL demand of their keys).
 * <p>
 * Two keys are derived from it with HMAC-SHA-256 under fixed labels, so that the MAC key and the cluster id are
 * independent of each other: the cluster id is random (the secret is) and owes nothing to the member list.
 */
public final class ClusterSecret
{
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 4096;
    private static final String MAC_ALGORITHM = "HmacSHA256";

    private final byte[] macKey;
    private final long clusterId;

    private ClusterSecret(final byte[] secret)
    {
        this.macKey = derive(secret, "raftis raft message mac");
        long id = 0;
        for (final byte b : Arrays.copyOf(derive(secret, "raftis cluster id"), Long.BYTES))
        {
            id = (id << 8) | (b & 0xFF);
        }
        this.clusterId = id;
    }

    /**
     * Read the secret from its file, or, when there is none, write a new random one there first (readable by its
     * owner only). For a member that is the whole cluster: it keeps its cluster id across restarts.
     */
    public static ClusterSecret readOrCreate(final File file)
    {
        if (!file.exists())
        {
            final byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            final String hex = BitUtil.toHex(random) + "\n";
            final File tmp = new File(file.getPath() + ".tmp");
            try
            {
                Files.createDirectories(file.getAbsoluteFile().getParentFile().toPath());
                Files.deleteIfExists(tmp.toPath());
                if (null != Files.getFileAttributeView(file.getAbsoluteFile().getParentFile().toPath(),
                    PosixFileAttributeView.class))
                {
                    Files.createFile(tmp.toPath(), PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                }
                Files.write(tmp.toPath(), hex.getBytes(StandardCharsets.US_ASCII));
                Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException(
                    "cannot create the cluster secret " + file + ": " + ex.getMessage(), ex);
            }
        }
        return read(file);
    }

    public static ClusterSecret of(final byte[] secret)
    {
        final int length = trimmedLength(secret);
        if (length < MIN_LENGTH || length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("a cluster secret must be from " + MIN_LENGTH + " to " + MAX_LENGTH +
                " bytes, not counting trailing white space: " + length);
        }
        return new ClusterSecret(Arrays.copyOf(secret, length));
    }

    /**
     * Read the secret from its file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it.
     */
    public static ClusterSecret read(final File file)
    {
        final String setting = Configuration.CLUSTER_SECRET_FILE_PROP_NAME + " " + file;
        if (!file.isFile())
        {
            throw new IllegalArgumentException(setting + ": no such file");
        }
        final PosixFileAttributeView posix = Files.getFileAttributeView(file.toPath(), PosixFileAttributeView.class);
        final byte[] bytes;
        try
        {
            if (null != posix)
            {
                final Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                if (permissions.contains(PosixFilePermission.GROUP_READ) ||
                    permissions.contains(PosixFilePermission.OTHERS_READ))
                {
                    throw new IllegalArgumentException(setting + " may be read by other users: make it readable " +
                        "by its owner only (chmod 600)");
                }
            }
            if (file.length() > MAX_LENGTH + 64)
            {
                throw new IllegalArgumentException(setting + " is " + file.length() + " bytes: a cluster secret " +
                    "must be from " + MIN_LENGTH + " to " + MAX_LENGTH + " bytes");
            }
            bytes = Files.readAllBytes(file.toPath());
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(setting + ": cannot read it: " + ex.getMessage(), ex);
        }
        try
        {
            return of(bytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(setting + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param members the canonical member list this member was started with.
     * @return the key of the MAC each Raft message carries, bound to the member list: a node started with another
     * list (a member moved to other ports, one the others do not know) cannot send a message they accept, nor accept
     * theirs, though it holds the secret.
     */
    public byte[] macKey(final String members)
    {
        return derive(macKey, "raftis members " + members);
    }

    /**
     * @return the id of the cluster: the same for every member holding this secret, different for any other.
     */
    public long clusterId()
    {
        return clusterId;
    }

    private static int trimmedLength(final byte[] secret)
    {
        int length = secret.length;
        while (length > 0 && Character.isWhitespace((char)(secret[length - 1] & 0xFF)))
        {
            length--;
        }
        return length;
    }

    private static byte[] derive(final byte[] secret, final String label)
    {
        return derive(secret, label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] derive(final byte[] secret, final byte[] label)
    {
        try
        {
            final Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
            return mac.doFinal(label);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM has no " + MAC_ALGORITHM, ex);
        }
    }
}
