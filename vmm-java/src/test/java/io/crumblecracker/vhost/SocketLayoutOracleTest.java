package io.crumblecracker.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.SocketLayouts;
import io.crumblecracker.testing.HostRequirements;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C program against glibc's headers and checks every hand-written socket constant, struct size
 * and offset in {@link SocketLayouts}, and the fcntl/memfd constants in {@link FileDescriptors}.
 */
class SocketLayoutOracleTest {

    @TempDir
    Path dir;

    @Test
    void shouldMatchTheCHeadersForEverySocketLayout() throws Exception {
        final Map<String, Long> c = oracle();
        int checked = 0;
        for (final Class<?> type : new Class<?>[] {SocketLayouts.class, FileDescriptors.class}) {
            for (final Field field : type.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                    assertEquals(c.get(field.getName()), ((Number) field.get(null)).longValue(), field.getName());
                    checked++;
                }
            }
        }
        assertEquals(c.keySet().stream().filter(k -> !k.startsWith("CMSG_")).count(), checked);
        assertEquals(c.get("CMSG_SPACE_32"), SocketLayouts.cmsgSpace(32));
        assertEquals(c.get("CMSG_LEN_12"), SocketLayouts.cmsgLen(12));
    }

    private Map<String, Long> oracle() throws Exception {
        HostRequirements.require(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc (package build-essential)");
        final String source = """
                #define _GNU_SOURCE
                #include <sys/socket.h>
                #include <sys/un.h>
                #include <sys/mman.h>
                #include <sys/uio.h>
                #include <fcntl.h>
                #include <stdio.h>
                #include <stddef.h>
                #define P(n, v) printf("%s %ld\\n", n, (long)(v));
                int main(void) {
                P("AF_UNIX", AF_UNIX) P("SOCK_STREAM", SOCK_STREAM) P("SOCK_CLOEXEC", SOCK_CLOEXEC)
                P("SOL_SOCKET", SOL_SOCKET) P("SCM_RIGHTS", SCM_RIGHTS) P("MSG_CTRUNC", MSG_CTRUNC)
                P("MSG_NOSIGNAL", MSG_NOSIGNAL) P("MSG_CMSG_CLOEXEC", MSG_CMSG_CLOEXEC) P("SHUT_RDWR", SHUT_RDWR)
                P("MSGHDR_SIZE", sizeof(struct msghdr)) P("MSGHDR_IOV", offsetof(struct msghdr, msg_iov))
                P("MSGHDR_IOVLEN", offsetof(struct msghdr, msg_iovlen))
                P("MSGHDR_CONTROL", offsetof(struct msghdr, msg_control))
                P("MSGHDR_CONTROLLEN", offsetof(struct msghdr, msg_controllen))
                P("MSGHDR_FLAGS", offsetof(struct msghdr, msg_flags))
                P("IOVEC_SIZE", sizeof(struct iovec)) P("IOVEC_LEN", offsetof(struct iovec, iov_len))
                P("CMSGHDR_SIZE", sizeof(struct cmsghdr)) P("CMSGHDR_LEVEL", offsetof(struct cmsghdr, cmsg_level))
                P("CMSGHDR_TYPE", offsetof(struct cmsghdr, cmsg_type))
                P("SOCKADDR_UN_SIZE", sizeof(struct sockaddr_un))
                P("SOCKADDR_UN_PATH", offsetof(struct sockaddr_un, sun_path))
                P("MFD_CLOEXEC", MFD_CLOEXEC) P("MFD_ALLOW_SEALING", MFD_ALLOW_SEALING)
                P("F_SEAL_SHRINK", F_SEAL_SHRINK) P("F_SEAL_GROW", F_SEAL_GROW) P("O_NONBLOCK", O_NONBLOCK)
                P("CMSG_SPACE_32", CMSG_SPACE(32)) P("CMSG_LEN_12", CMSG_LEN(12))
                return 0; }
                """;
        final Path c = Files.writeString(dir.resolve("oracle.c"), source);
        final Path exe = dir.resolve("oracle");
        run("gcc", "-o", exe.toString(), c.toString());
        final Map<String, Long> values = new HashMap<>();
        for (final String line : run(exe.toString()).split("\n")) {
            final String[] parts = line.trim().split(" ");
            values.put(parts[0], Long.parseLong(parts[1]));
        }
        return values;
    }

    private static String run(final String... command) throws Exception {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
