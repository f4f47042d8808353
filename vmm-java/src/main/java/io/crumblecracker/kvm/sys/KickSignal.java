package io.crumblecracker.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The real-time signal that kicks a vCPU thread out of {@code KVM_RUN}, with a handler that does nothing.
 *
 * <p>The handler is one {@code ret} instruction on its own page (written, then made read+execute, so the
 * page is never writable and executable at once). It is native code, not a Java upcall: a signal may land
 * while the thread runs Java, where running Java again would be undefined. Delivery interrupts the
 * blocked {@code KVM_RUN}, which returns {@code EINTR}. The signal is {@code SIGRTMIN+1}, which HotSpot
 * does not use (it uses SIGUSR2, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGPIPE, SIGXFSZ, SIGQUIT, SIGHUP,
 * SIGINT, SIGTERM).
 *
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html#kvm-run">KVM_RUN and immediate_exit</a>
 */
public final class KickSignal {

    private static final int SIGACTION_SIZE = 152;
    private static final int SA_FLAGS_OFFSET = 136;
    private static final int SA_RESTART = 0x10000000;
    private static final byte X86_RET = (byte) 0xC3;
    private static final int PAGE = 4096;

    private static volatile int installed;

    private KickSignal() {
    }

    /** Installs the no-op handler once per process and returns the signal number. */
    public static int install() {
        int signal = installed;
        if (signal != 0) {
            return signal;
        }
        synchronized (KickSignal.class) {
            if (installed == 0) {
                installed = installHandler();
            }
            return installed;
        }
    }

    /** Sends the kick signal to thread {@code tid} of this process; returns 0 or {@code -errno}. */
    public static int send(final int tid) {
        return Libc.tgkillRaw(Libc.getpid(), tid, install());
    }

    private static int installHandler() {
        final int signal = Libc.sigrtmin() + 1;
        final MemorySegment page = Libc.mmap(PAGE, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, Arena.global(), "kick handler");
        page.set(ValueLayout.JAVA_BYTE, 0, X86_RET);
        Libc.mprotect(page, Libc.PROT_READ | Libc.PROT_EXEC);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment action = arena.allocate(SIGACTION_SIZE, 8);
            action.set(ValueLayout.JAVA_LONG, 0, page.address());
            action.set(ValueLayout.JAVA_INT, SA_FLAGS_OFFSET, SA_RESTART);
            Libc.sigaction(signal, action);
        }
        return signal;
    }
}
