package io.crumblecracker.machine;

import java.util.List;

/**
 * The guest command line that lets a stock Linux kernel boot on a host whose KVM emulates guest kernel
 * mode (PVM). Its emulator lacks {@code cmpxchg16b}, {@code xsave}/{@code xrstor}, {@code clac}/{@code
 * stac} and {@code popcnt}, and the guest's {@code cpuid} shows the host CPU whatever KVM_SET_CPUID2 says,
 * so the features can only be hidden through the command line. Measured in ENVIRONMENT.md.
 *
 * <p>Guest user mode cannot run on such hosts whatever the command line: the first {@code syscall} of
 * {@code /init} faults. Boots there end at {@code Run /init}.
 */
public final class KvmCompatibility {

    /** Whether to apply the compatibility command line. */
    public enum Mode {
        /** Apply it when {@link HostKvm#emulatedKernelMode()} says so. */
        AUTO,
        /** Always apply it. */
        ON,
        /** Never apply it. */
        OFF;

        /** Resolves AUTO against the host. */
        public boolean applies(final HostKvm host) {
            return this == ON || (this == AUTO && host.emulatedKernelMode());
        }
    }

    /** CPU features hidden from the guest kernel, as one {@code clearcpuid=} value. */
    public static final List<String> CLEARED_CPU_FEATURES = List.of(
            "smap", "smep", "pcid", "invpcid", "fsgsbase", "popcnt", "movbe", "bmi1", "bmi2", "erms", "fsrm",
            "adx", "rdseed", "rdrand", "clflushopt", "clwb", "rdtscp", "rdpid", "avx", "avx2", "aes", "pclmulqdq",
            "sse4_1", "sse4_2", "ssse3", "cx16", "abm", "f16c", "fma", "avx512f", "gfni", "vaes", "vpclmulqdq",
            "umip", "la57", "cldemote", "movdiri", "movdir64b", "serialize", "pku", "ospke", "waitpkg");

    /** The parameters to add to the guest command line. */
    public static final List<String> PARAMETERS = List.of(
            "noxsave", "tsc=reliable", "clearcpuid=" + String.join(",", CLEARED_CPU_FEATURES));

    /** CPUID leaf with the KVM paravirtual feature bits (KVM_CPUID_FEATURES). */
    public static final int KVM_CPUID_FEATURES = 0x4000_0001;

    /**
     * KVM paravirtual features that work by hypercall ({@code vmcall}/{@code vmmcall}), which the PVM
     * emulator does not complete: a guest that uses them hangs (measured: an AP stuck in
     * {@code kvm_hypercall4} sending a PV IPI while the boot CPU waits for it). Hidden from the guest in
     * compatibility mode: PV_UNHALT (bit 7, KVM_HC_KICK_CPU), PV_SEND_IPI (bit 11, KVM_HC_SEND_IPI),
     * PV_SCHED_YIELD (bit 13, KVM_HC_SCHED_YIELD), HC_MAP_GPA_RANGE (bit 16).
     *
     * @see <a href="https://docs.kernel.org/virt/kvm/x86/cpuid.html">KVM CPUID bits</a>
     */
    public static final int HYPERCALL_FEATURES = (1 << 7) | (1 << 11) | (1 << 13) | (1 << 16);

    private KvmCompatibility() {
    }
}
