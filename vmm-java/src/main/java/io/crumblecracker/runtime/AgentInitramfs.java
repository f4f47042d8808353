package io.crumblecracker.runtime;

import io.crumblecracker.loader.initramfs.InitramfsBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The initramfs every VM boots: the agent as {@code /init}, its configuration in {@code /crumble/config}
 * (docs/agent-protocol.md, "Configuration"), {@code /dev/console} so init has a console before devtmpfs,
 * and the mount points the agent uses before it leaves the initramfs.
 */
public final class AgentInitramfs {
    private static final int CONSOLE_MAJOR = 5;
    private static final int CONSOLE_MINOR = 1;

    private AgentInitramfs() {
    }

    /** A {@code newc} archive with {@code agent} and {@code config} (keys and values without newlines). */
    public static byte[] build(final byte[] agent, final Map<String, String> config) {
        final StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> {
            if (key.isEmpty() || key.contains("=") || key.contains("\n") || value.contains("\n")) {
                throw new IllegalArgumentException("agent configuration entry \"" + key + "\" is not key=value");
            }
            text.append(key).append('=').append(value).append('\n');
        });
        return new InitramfsBuilder()
                .directory("/dev", 0755)
                .charDevice("/dev/console", 0600, CONSOLE_MAJOR, CONSOLE_MINOR)
                .directory("/proc", 0555)
                .directory("/sys", 0555)
                .directory("/stage", 0755)
                .directory("/crumble", 0755)
                .file("/crumble/config", 0644, text.toString().getBytes(StandardCharsets.UTF_8))
                .file("/init", 0755, agent)
                .build();
    }
}
