package io.crumblecracker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runtime part of an OCI image configuration (OCI image-spec, config.md, {@code config} object): what
 * a VM of the image runs by default and with which environment.
 *
 * @param env        {@code KEY=VALUE} entries
 * @param workingDir the working directory ({@code ""}: {@code /})
 * @param entrypoint the entrypoint ({@code []}: none)
 * @param cmd        default arguments, or the command if there is no entrypoint
 * @param user       {@code ""} (root), {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}
 * @param labels     the image's labels
 */
public record ImageConfig(List<String> env, String workingDir, List<String> entrypoint, List<String> cmd,
                          String user, Map<String, String> labels) {

    /** An image that declares nothing. */
    public static final ImageConfig EMPTY = new ImageConfig(List.of(), "", List.of(), List.of(), "", Map.of());

    /** Copies the lists; nulls become empty. */
    public ImageConfig {
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = Objects.requireNonNullElse(workingDir, "");
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        user = Objects.requireNonNullElse(user, "");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The entrypoint command: the entrypoint followed by {@code arguments}, or by {@code cmd} when there are
     * none; {@code /bin/sh} if the image declares neither.
     */
    public List<String> command(final List<String> arguments) {
        final List<String> command = new ArrayList<>(entrypoint);
        command.addAll(arguments.isEmpty() ? cmd : arguments);
        return command.isEmpty() ? List.of("/bin/sh") : List.copyOf(command);
    }
}
