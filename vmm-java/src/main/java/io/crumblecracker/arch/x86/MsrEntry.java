package io.crumblecracker.arch.x86;

/**
 * One model-specific register and its value: the fields of {@code struct kvm_msr_entry}.
 *
 * @param index the MSR number ({@code ecx} of {@code rdmsr}/{@code wrmsr})
 * @param value the 64-bit value
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html#kvm-set-msrs">KVM API: KVM_SET_MSRS</a>
 */
public record MsrEntry(int index, long value) {
}
