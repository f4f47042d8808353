package io.crumblecracker.kvm.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crumblecracker.testing.HostRequirements;
import java.io.IOException;
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
 * Compiles a C program against the host's {@code <linux/kvm.h>} and checks that every ioctl number,
 * capability id, struct size and offset we hand-wrote matches what the C compiler says.
 */
class LayoutOracleTest {

    @TempDir
    Path dir;

    @Test
    void shouldMatchTheCHeaderForEveryIoctlAndCapability() throws Exception {
        final Map<String, Long> c = oracle();
        int checked = 0;
        for (final Field field : KvmIoctls.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                assertEquals(c.get(field.getName()), ((Number) field.get(null)).longValue(), field.getName());
                checked++;
            }
        }
        assertEquals(c.keySet().stream().filter(k -> k.startsWith("KVM_")).count(), checked);
    }

    @Test
    void shouldMatchTheCHeaderForEveryStructSizeAndOffset() throws Exception {
        final Map<String, Long> c = oracle();
        for (final Field field : KvmLayouts.class.getFields()) {
            final Long expected = c.get("L_" + field.getName());
            assertEquals(expected, ((Number) field.get(null)).longValue(), field.getName());
        }
    }

    private Map<String, Long> oracle() throws IOException, InterruptedException {
        HostRequirements.require(Files.isExecutable(Path.of("/usr/bin/gcc")) && Files.exists(
                Path.of("/usr/include/linux/kvm.h")), "gcc and linux-libc-dev (for <linux/kvm.h>)");
        final StringBuilder src = new StringBuilder("""
                #include <linux/kvm.h>
                #include <stdio.h>
                #include <stddef.h>
                #define P(n, v) printf("%s %lu\\n", n, (unsigned long)(v));
                int main(void) {
                """);
        for (final Field field : KvmIoctls.class.getFields()) {
            src.append("P(\"").append(field.getName()).append("\", ").append(field.getName()).append(")\n");
        }
        for (final Field field : KvmLayouts.class.getFields()) {
            src.append("P(\"L_").append(field.getName()).append("\", ").append(cExpression(field.getName()))
                    .append(")\n");
        }
        src.append("return 0; }\n");
        final Path c = dir.resolve("oracle.c");
        Files.writeString(c, src);
        final Path exe = dir.resolve("oracle");
        run("gcc", "-o", exe.toString(), c.toString());
        final Map<String, Long> values = new HashMap<>();
        for (final String line : run(exe.toString()).split("\n")) {
            final String[] parts = line.trim().split(" ");
            values.put(parts[0], Long.parseUnsignedLong(parts[1]));
        }
        return values;
    }

    private static String cExpression(final String name) {
        return switch (name) {
            case "REGS_SIZE" -> "sizeof(struct kvm_regs)";
            case "SREGS_SIZE" -> "sizeof(struct kvm_sregs)";
            case "SEGMENT_SIZE" -> "sizeof(struct kvm_segment)";
            case "SREGS_GDT" -> "offsetof(struct kvm_sregs, gdt)";
            case "SREGS_IDT" -> "offsetof(struct kvm_sregs, idt)";
            case "SREGS_CR0" -> "offsetof(struct kvm_sregs, cr0)";
            case "MEMORY_REGION_SIZE" -> "sizeof(struct kvm_userspace_memory_region)";
            case "CPUID2_HEADER_SIZE" -> "sizeof(struct kvm_cpuid2)";
            case "CPUID_ENTRY_SIZE" -> "sizeof(struct kvm_cpuid_entry2)";
            case "MSRS_HEADER_SIZE" -> "sizeof(struct kvm_msrs)";
            case "MSR_ENTRY_SIZE" -> "sizeof(struct kvm_msr_entry)";
            case "FPU_SIZE" -> "sizeof(struct kvm_fpu)";
            case "FPU_FCW" -> "offsetof(struct kvm_fpu, fcw)";
            case "FPU_MXCSR" -> "offsetof(struct kvm_fpu, mxcsr)";
            case "IRQFD_SIZE" -> "sizeof(struct kvm_irqfd)";
            case "IOEVENTFD_SIZE" -> "sizeof(struct kvm_ioeventfd)";
            case "PIT_CONFIG_SIZE" -> "sizeof(struct kvm_pit_config)";
            case "LAPIC_STATE_SIZE" -> "sizeof(struct kvm_lapic_state)";
            case "IRQ_LEVEL_SIZE" -> "sizeof(struct kvm_irq_level)";
            case "RUN_IMMEDIATE_EXIT" -> "offsetof(struct kvm_run, immediate_exit)";
            case "RUN_EXIT_REASON" -> "offsetof(struct kvm_run, exit_reason)";
            case "RUN_IO_DIRECTION" -> "offsetof(struct kvm_run, io.direction)";
            case "RUN_IO_SIZE" -> "offsetof(struct kvm_run, io.size)";
            case "RUN_IO_PORT" -> "offsetof(struct kvm_run, io.port)";
            case "RUN_IO_COUNT" -> "offsetof(struct kvm_run, io.count)";
            case "RUN_IO_DATA_OFFSET" -> "offsetof(struct kvm_run, io.data_offset)";
            case "RUN_MMIO_PHYS_ADDR" -> "offsetof(struct kvm_run, mmio.phys_addr)";
            case "RUN_MMIO_DATA" -> "offsetof(struct kvm_run, mmio.data)";
            case "RUN_MMIO_LEN" -> "offsetof(struct kvm_run, mmio.len)";
            case "RUN_MMIO_IS_WRITE" -> "offsetof(struct kvm_run, mmio.is_write)";
            case "RUN_SYSTEM_EVENT_TYPE" -> "offsetof(struct kvm_run, system_event.type)";
            case "RUN_INTERNAL_SUBERROR" -> "offsetof(struct kvm_run, internal.suberror)";
            case "RUN_FAIL_ENTRY_REASON" -> "offsetof(struct kvm_run, fail_entry.hardware_entry_failure_reason)";
            default -> throw new AssertionError("no C expression for KvmLayouts." + name + ": add one");
        };
    }

    private static String run(final String... command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
