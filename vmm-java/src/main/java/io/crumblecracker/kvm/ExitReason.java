package io.crumblecracker.kvm;

/**
 * {@code kvm_run.exit_reason} values (KVM_EXIT_*), as plain ints so the vCPU loop can {@code switch}
 * on them without allocating, plus {@link #INTERRUPTED} for a {@code KVM_RUN} that returned EINTR.
 */
public final class ExitReason {

    /** KVM_EXIT_UNKNOWN. */
    public static final int UNKNOWN = 0;
    /** KVM_EXIT_EXCEPTION. */
    public static final int EXCEPTION = 1;
    /** KVM_EXIT_IO: port I/O. */
    public static final int IO = 2;
    /** KVM_EXIT_HYPERCALL. */
    public static final int HYPERCALL = 3;
    /** KVM_EXIT_DEBUG. */
    public static final int DEBUG = 4;
    /** KVM_EXIT_HLT: only without an in-kernel local APIC. */
    public static final int HLT = 5;
    /** KVM_EXIT_MMIO. */
    public static final int MMIO = 6;
    /** KVM_EXIT_IRQ_WINDOW_OPEN. */
    public static final int IRQ_WINDOW_OPEN = 7;
    /** KVM_EXIT_SHUTDOWN: a triple fault; the guest asked for a reset (reboot=t) or crashed. */
    public static final int SHUTDOWN = 8;
    /** KVM_EXIT_FAIL_ENTRY: the hardware refused to enter the guest. */
    public static final int FAIL_ENTRY = 9;
    /** KVM_EXIT_INTR: a signal interrupted the guest. */
    public static final int INTR = 10;
    /** KVM_EXIT_INTERNAL_ERROR. */
    public static final int INTERNAL_ERROR = 17;
    /** KVM_EXIT_SYSTEM_EVENT: shutdown, reset or crash requested through a paravirtual interface. */
    public static final int SYSTEM_EVENT = 24;
    /** Not a KVM value: {@code KVM_RUN} returned -1 with EINTR (kicked, or immediate_exit was set). */
    public static final int INTERRUPTED = -1;

    private ExitReason() {
    }

    /** A readable name for logs, e.g. {@code KVM_EXIT_MMIO(6)}. */
    public static String name(final int reason) {
        final String name = switch (reason) {
            case UNKNOWN -> "UNKNOWN";
            case EXCEPTION -> "EXCEPTION";
            case IO -> "IO";
            case HYPERCALL -> "HYPERCALL";
            case DEBUG -> "DEBUG";
            case HLT -> "HLT";
            case MMIO -> "MMIO";
            case IRQ_WINDOW_OPEN -> "IRQ_WINDOW_OPEN";
            case SHUTDOWN -> "SHUTDOWN";
            case FAIL_ENTRY -> "FAIL_ENTRY";
            case INTR -> "INTR";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            case SYSTEM_EVENT -> "SYSTEM_EVENT";
            case INTERRUPTED -> "INTERRUPTED";
            default -> "?";
        };
        return "KVM_EXIT_" + name + "(" + reason + ")";
    }
}
