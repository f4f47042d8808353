package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads kernel and initramfs files whole, with a size cap and errors that name the file. */
public final class ImageFiles {

    /** The largest file accepted, so that its size always fits a Java array. */
    public static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 64;

    private ImageFiles() {
    }

    /**
     * Reads the whole file at {@code path}.
     *
     * @param what "kernel" or "initramfs", for messages
     * @throws BootException if the file cannot be read or is larger than {@link #MAX_FILE_SIZE}
     */
    public static byte[] read(final Path path, final String what) {
        try {
            final long size = Files.size(path);
            if (size > MAX_FILE_SIZE) {
                throw new BootException(what + " path=" + path + " is " + Sizes.bytes(size)
                        + ", larger than the limit of " + Sizes.bytes(MAX_FILE_SIZE));
            }
            return Files.readAllBytes(path);
        } catch (final IOException e) {
            throw new BootException("cannot read " + what + " path=" + path + ": " + e, e);
        }
    }
}
