package io.crumblecracker.machine;

import io.crumblecracker.api.VmException;
import io.crumblecracker.arch.x86.X86Layout;
import io.crumblecracker.loader.BootInfo;
import io.crumblecracker.loader.BootLayout;
import io.crumblecracker.loader.LinuxBoot;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.E820Map;
import io.crumblecracker.loader.boot.E820Type;
import io.crumblecracker.loader.boot.KernelCmdline;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.MemoryRegion;
import java.util.List;

/**
 * Puts the kernel, initramfs, command line and zero page into guest RAM for the Linux x86 64-bit boot
 * protocol, with the e820 map that describes this machine's RAM.
 *
 * @see <a href="https://docs.kernel.org/arch/x86/boot.html">The Linux/x86 Boot Protocol</a>
 */
final class KernelPlacement {

    /**
     * The VMM's own parameters: the COM1 console; {@code reboot=k} makes a guest reboot pulse the
     * i8042's reset line, which ends the machine (a triple fault, {@code reboot=t}, is not emulated where
     * KVM emulates kernel mode: it ends in an internal error); {@code panic=-1} reboots at once on a
     * panic; one UART; the i8042 without the probing a microVM does not need.
     */
    static final List<String> BASE_PARAMETERS = List.of("console=ttyS0", "reboot=k", "panic=-1", "8250.nr_uarts=1",
            "i8042.noaux", "i8042.nomux", "i8042.nopnp", "i8042.dumbkbd");

    private KernelPlacement() {
    }

    static BootInfo load(final GuestMemory memory, final MachineConfig config, final HostKvm host,
                         final List<String> deviceParameters) throws VmException {
        final KernelCmdline cmdline = commandLine(config, host, deviceParameters);
        try {
            final LinuxBoot boot = LinuxBoot.into(memory, BootLayout.x86Default()).kernel(config.kernel())
                    .cmdline(cmdline).e820(e820(memory));
            if (config.initramfs() != null) {
                boot.initramfs(config.initramfs());
            }
            return boot.load();
        } catch (final BootException e) {
            throw new VmException("cannot boot " + config.kernel() + ": " + e.getMessage(), e);
        }
    }

    static KernelCmdline commandLine(final MachineConfig config, final HostKvm host,
                                     final List<String> deviceParameters) throws VmException {
        try {
            final KernelCmdline cmdline = new KernelCmdline().addAll(BASE_PARAMETERS).addAll(deviceParameters);
            if (config.compatibility().applies(host)) {
                cmdline.addAll(KvmCompatibility.PARAMETERS);
            }
            return cmdline.addAll(config.extraCmdline());
        } catch (final BootException e) {
            throw new VmException("bad kernel command line: " + e.getMessage(), e);
        }
    }

    /**
     * RAM below the EBDA (where the MP table lives), RAM from 1 MiB to the MMIO gap, and RAM above 4 GiB;
     * the EBDA and the legacy video/BIOS area are left out.
     */
    static E820Map e820(final GuestMemory memory) {
        final E820Map map = new E820Map();
        map.add(0, X86Layout.EBDA_START, E820Type.RAM);
        map.add(X86Layout.EBDA_START, X86Layout.HIMEM_START - X86Layout.EBDA_START, E820Type.RESERVED);
        for (final MemoryRegion region : memory.regions()) {
            final long start = Math.max(region.start().value(), X86Layout.HIMEM_START);
            final long end = region.end().value();
            if (end > start) {
                map.add(start, end - start, E820Type.RAM);
            }
        }
        return map;
    }
}
