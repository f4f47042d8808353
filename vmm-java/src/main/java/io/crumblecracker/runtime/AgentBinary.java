package io.crumblecracker.runtime;

import io.crumblecracker.api.VmException;
import io.crumblecracker.machine.KernelLocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The guest agent ({@code kernel/agent}, a static x86-64 binary) as this build packaged it: the bytes for
 * an initramfs, or a file for running it as a host process (tests, benchmarks).
 */
public final class AgentBinary {
    /** Where the build puts the agent on the class path. */
    public static final String RESOURCE = "/io/crumblecracker/agent/crumble-agent";

    private static volatile byte[] cached;

    private AgentBinary() {
    }

    /** The agent's bytes. */
    public static byte[] bytes() throws VmException {
        byte[] bytes = cached;
        if (bytes == null) {
            try (InputStream in = AgentBinary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new VmException("the guest agent " + RESOURCE + " is not on the class path: this build of"
                            + " vmm-java was made without it (kernel/agent/build.sh needs musl-gcc: apt-get install"
                            + " musl-tools)");
                }
                bytes = in.readAllBytes();
            } catch (final IOException e) {
                throw e instanceof VmException vm ? vm : new VmException("cannot read the guest agent: " + e, e);
            }
            cached = bytes;
        }
        return bytes;
    }

    /**
     * The agent as an executable file in the cache directory (named by its hash, written atomically, so
     * concurrent JVMs agree).
     */
    public static Path file() throws VmException {
        final byte[] bytes = bytes();
        final Path dir = KernelLocator.cacheDirectory().resolveSibling("agent").resolve(sha256(bytes));
        final Path file = dir.resolve("crumble-agent");
        if (Files.isExecutable(file)) {
            return file;
        }
        try {
            Files.createDirectories(dir);
            final Path temporary = Files.createTempFile(dir, "crumble-agent", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (final AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (final IOException e) {
            throw new VmException("cannot write the guest agent to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
