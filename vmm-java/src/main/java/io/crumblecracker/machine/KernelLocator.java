package io.crumblecracker.machine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the guest kernel that {@code kernel/build.sh} built: the directory named by the system property
 * {@code crumble.kernel.dir}, else the environment variable {@code CRUMBLE_KERNEL_DIR}, else
 * {@code $CRUMBLE_CACHE/kernel/current} (default cache {@code ~/.cache/crumblecracker}).
 */
public final class KernelLocator {

    private KernelLocator() {
    }

    /** The kernel directory, whether or not it has been built. */
    public static Path directory() {
        final String property = System.getProperty("crumble.kernel.dir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        final String env = System.getenv("CRUMBLE_KERNEL_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return cacheDirectory().resolve("kernel").resolve("current");
    }

    /** The cache root: {@code $CRUMBLE_CACHE}, else {@code ~/.cache/crumblecracker}. */
    public static Path cacheDirectory() {
        final String env = System.getenv("CRUMBLE_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "crumblecracker");
    }

    /** The uncompressed ELF kernel, if built. */
    public static Optional<Path> vmlinux() {
        return existing(directory().resolve("vmlinux"));
    }

    /** The bzImage kernel, if built. */
    public static Optional<Path> bzImage() {
        return existing(directory().resolve("bzImage"));
    }

    private static Optional<Path> existing(final Path path) {
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
}
