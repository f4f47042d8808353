/**
 * x86-64 boot state as pure data: the guest-physical layout, the boot GDT and page tables, the
 * long-mode register state of the Linux 64-bit boot protocol, CPUID and MSR policy, the Intel
 * MultiProcessor table and the local APIC LINT setup.
 *
 * <p>Nothing here calls KVM: classes write guest memory through {@link io.crumblecracker.memory.GuestMemory}
 * or return values that the KVM engine copies into {@code kvm_sregs}, {@code kvm_regs},
 * {@code kvm_cpuid2}, {@code kvm_msrs} and {@code kvm_lapic_state}.
 *
 * @see <a href="https://docs.kernel.org/arch/x86/boot.html">The Linux/x86 Boot Protocol</a>
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">Intel SDM</a>
 */
package io.crumblecracker.arch.x86;
