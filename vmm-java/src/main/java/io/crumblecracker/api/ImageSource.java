package io.crumblecracker.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a VM boots: a read-only root file system image (EROFS) and the image configuration that goes with
 * it. The VM mounts it read-only under a writable overlay, so one image serves any number of VMs.
 */
public interface ImageSource {

    /** The EROFS image of the root file system. */
    Path rootFilesystem() throws VmException;

    /** The image's configuration (entrypoint, env, working directory, user). */
    ImageConfig config();

    /** A short name for logs and messages. */
    String name();

    /** An EROFS image on disk with {@code config}. */
    static ImageSource rootFilesystem(final Path erofsImage, final ImageConfig config) {
        Objects.requireNonNull(erofsImage, "erofsImage");
        Objects.requireNonNull(config, "config");
        return new ImageSource() {
            @Override
            public Path rootFilesystem() throws VmException {
                if (!Files.isRegularFile(erofsImage)) {
                    throw new VmException("the root file system image " + erofsImage + " does not exist");
                }
                return erofsImage;
            }

            @Override
            public ImageConfig config() {
                return config;
            }

            @Override
            public String name() {
                return erofsImage.getFileName().toString();
            }
        };
    }
}
