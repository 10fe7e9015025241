package io.raftis.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Cluster secret files for tests: readable by their owner only, as a member demands.
 */
public final class TestSecrets
{
    private static Path shared;

    private TestSecrets()
    {
    }

    /**
     * @return a file holding the given secret, created with mode 600.
     */
    public static Path write(final Path file, final String secret)
    {
        try
        {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, secret.getBytes(StandardCharsets.US_ASCII));
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return one secret file for the whole test run, deleted when the JVM exits.
     */
    public static synchronized Path shared()
    {
        if (null == shared)
        {
            try
            {
                final Path file = Files.createTempFile("raftis-test-", ".secret");
                file.toFile().deleteOnExit();
                shared = write(file, "raftis test cluster secret 0123456789abcdef\n");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return shared;
    }
}
