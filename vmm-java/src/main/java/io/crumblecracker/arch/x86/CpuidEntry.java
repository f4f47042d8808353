package io.crumblecracker.arch.x86;

/**
 * One CPUID leaf/sub-leaf result: the fields of {@code struct kvm_cpuid_entry2}.
 *
 * @param function the leaf (EAX input)
 * @param index    the sub-leaf (ECX input); significant only if {@link #SIGNIFICANT_INDEX} is in flags
 * @param flags    KVM's {@code KVM_CPUID_FLAG_*} bits
 * @param eax      output EAX
 * @param ebx      output EBX
 * @param ecx      output ECX
 * @param edx      output EDX
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html#kvm-get-supported-cpuid">KVM API:
 *      KVM_GET_SUPPORTED_CPUID</a>
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {

    /** {@code KVM_CPUID_FLAG_SIGNIFCANT_INDEX}: the entry applies only to sub-leaf {@code index}. */
    public static final int SIGNIFICANT_INDEX = 1;

    /** This entry with its four output registers replaced. */
    public CpuidEntry withRegisters(final int newEax, final int newEbx, final int newEcx, final int newEdx) {
        return new CpuidEntry(function, index, flags, newEax, newEbx, newEcx, newEdx);
    }
}
