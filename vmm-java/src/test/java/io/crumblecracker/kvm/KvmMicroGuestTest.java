package io.crumblecracker.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.KickSignal;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.testing.RealModeGuest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hand-assembled real-mode guests on the real {@code /dev/kvm}: each exit kind the VMM relies on. */
@Timeout(60)
class KvmMicroGuestTest {

    @BeforeEach
    void requireKvm() {
        HostRequirements.requireKvm();
    }

    @Test
    void shouldExitOnPortWriteThenHalt() {
        try (RealModeGuest guest = new RealModeGuest(false)) {
            guest.load(RealModeGuest.CODE, 0xB0, 0x42, 0xE6, 0xF1, 0xF4); // mov al,0x42; out 0xf1,al; hlt
            final KvmVcpu vcpu = guest.vcpu(0, 0);
            assertEquals(ExitReason.IO, vcpu.run());
            final KvmRun run = vcpu.kvmRun();
            assertTrue(run.ioIsOut());
            assertEquals(0xF1, run.ioPort());
            assertEquals(1, run.ioSize());
            assertEquals(1, run.ioCount());
            assertEquals(0x42, run.ioData(0));
            assertEquals(ExitReason.HLT, vcpu.run());
        }
    }

    @Test
    void shouldCompletePortReadWithValueFromTheVmm() {
        try (RealModeGuest guest = new RealModeGuest(false)) {
            guest.load(RealModeGuest.CODE, 0xE4, 0xF2, 0xE6, 0xF3, 0xF4); // in al,0xf2; out 0xf3,al; hlt
            final KvmVcpu vcpu = guest.vcpu(0, 0);
            assertEquals(ExitReason.IO, vcpu.run());
            assertFalse(vcpu.kvmRun().ioIsOut());
            assertEquals(0xF2, vcpu.kvmRun().ioPort());
            vcpu.kvmRun().setIoData(0, 0x37);
            assertEquals(ExitReason.IO, vcpu.run());
            assertEquals(0xF3, vcpu.kvmRun().ioPort());
            assertEquals(0x37, vcpu.kvmRun().ioData(0));
        }
    }

    @Test
    void shouldExitOnMmioWriteAndCompleteMmioRead() {
        try (RealModeGuest guest = new RealModeGuest(false)) {
            guest.load(RealModeGuest.CODE,
                    0xB8, 0x00, 0x20, 0x8E, 0xD8,             // mov ax,0x2000; mov ds,ax  (ds base 0x20000: unbacked)
                    0x66, 0xB8, 0x78, 0x56, 0x34, 0x12,       // mov eax,0x12345678
                    0x66, 0xA3, 0x10, 0x00,                   // mov [0x10],eax  -> MMIO write 0x20010
                    0x66, 0xA1, 0x20, 0x00,                   // mov eax,[0x20]  -> MMIO read 0x20020
                    0x66, 0xE7, 0xF4,                         // out 0xf4,eax
                    0xF4);
            final KvmVcpu vcpu = guest.vcpu(0, 0);
            final KvmRun run = vcpu.kvmRun();
            assertEquals(ExitReason.MMIO, vcpu.run());
            assertTrue(run.mmioIsWrite());
            assertEquals(0x20010L, run.mmioAddress());
            assertEquals(4, run.mmioLength());
            assertEquals(0x12345678L, run.mmioData());
            assertEquals(ExitReason.MMIO, vcpu.run());
            assertFalse(run.mmioIsWrite());
            assertEquals(0x20020L, run.mmioAddress());
            run.setMmioData(0xCAFEBABEL);
            assertEquals(ExitReason.IO, vcpu.run());
            assertEquals(0xF4, run.ioPort());
            assertEquals(4, run.ioSize());
            assertEquals(0xCAFEBABE, run.ioData(0));
        }
    }

    @Test
    void shouldDeliverAnInterruptSignalledThroughIrqfd() throws Exception {
        try (RealModeGuest guest = new RealModeGuest(true); EventFd irq5 = new EventFd()) {
            guest.vm().registerIrqfd(irq5, 5);
            // Interrupt vector table: vector 0x25 (PIC base 0x20 + IRQ 5) -> 0000:2000.
            guest.ram().set(ValueLayout.JAVA_SHORT_UNALIGNED, 0x25 * 4, (short) 0x2000);
            guest.ram().set(ValueLayout.JAVA_SHORT_UNALIGNED, 0x25 * 4 + 2, (short) 0);
            guest.load(0x2000, 0xB0, 0x99, 0xE6, 0xF5,  // handler: out 0xf5, 0x99
                    0xB0, 0x20, 0xE6, 0x20,             // EOI to the master PIC
                    0xCF);                              // iret
            guest.load(RealModeGuest.CODE,
                    0xB0, 0x11, 0xE6, 0x20, 0xB0, 0x20, 0xE6, 0x21,  // master ICW1, ICW2 = vector base 0x20
                    0xB0, 0x04, 0xE6, 0x21, 0xB0, 0x01, 0xE6, 0x21,  // ICW3, ICW4 (8086 mode)
                    0xB0, 0xDF, 0xE6, 0x21,                          // unmask IRQ 5 only
                    0xB0, 0x11, 0xE6, 0xA0, 0xB0, 0x28, 0xE6, 0xA1,  // slave ICW1, ICW2
                    0xB0, 0x02, 0xE6, 0xA1, 0xB0, 0x01, 0xE6, 0xA1,  // ICW3, ICW4
                    0xB0, 0xFF, 0xE6, 0xA1,                          // mask the slave
                    0xB0, 0x01, 0xE6, 0xF6,                          // tell the host: ready
                    0xFB, 0xF4, 0xEB, 0xFD);                         // sti; hlt; jmp hlt
            final KvmVcpu vcpu = guest.vcpu(0, 0);
            enableExtIntOnLint0(vcpu, guest);
            final KvmRun run = vcpu.kvmRun();
            assertEquals(ExitReason.IO, vcpu.run());
            assertEquals(0xF6, run.ioPort());
            irq5.signal();
            int reason;
            do {
                reason = vcpu.run();
            } while (reason == ExitReason.IO && run.ioPort() != 0xF5);
            assertEquals(ExitReason.IO, reason);
            assertEquals(0x99, run.ioData(0));
        }
    }

    @Test
    void shouldStopASpinningVcpuFromAnotherThread() throws Exception {
        try (RealModeGuest guest = new RealModeGuest(false)) {
            guest.load(RealModeGuest.CODE, 0xEB, 0xFE); // jmp $
            final KvmVcpu vcpu = guest.vcpu(0, 0);
            KickSignal.install();
            final AtomicInteger tid = new AtomicInteger();
            final AtomicInteger reason = new AtomicInteger(Integer.MIN_VALUE);
            final CountDownLatch started = new CountDownLatch(1);
            final Thread runner = Thread.ofPlatform().start(() -> {
                tid.set(Libc.gettid());
                started.countDown();
                reason.set(vcpu.run());
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);
            vcpu.kvmRun().requestImmediateExit(true);
            assertEquals(0, KickSignal.send(tid.get()));
            runner.join(10_000);
            assertFalse(runner.isAlive(), "vCPU thread still in KVM_RUN after the kick");
            assertEquals(ExitReason.INTERRUPTED, reason.get());
        }
    }

    @Test
    void shouldRunSeveralVcpusEachOnItsOwnThread() throws Exception {
        final int count = 4;
        try (RealModeGuest guest = new RealModeGuest(false)) {
            guest.load(RealModeGuest.CODE, 0xE6, 0xF0, 0xF4); // out 0xf0,al; hlt   (al preset per vCPU)
            final Set<Integer> seen = ConcurrentHashMap.newKeySet();
            final Thread[] threads = new Thread[count];
            for (int i = 0; i < count; i++) {
                final KvmVcpu vcpu = guest.vcpu(i, 0x10 + i);
                threads[i] = Thread.ofPlatform().start(() -> {
                    if (vcpu.run() == ExitReason.IO && vcpu.kvmRun().ioPort() == 0xF0) {
                        seen.add(vcpu.kvmRun().ioData(0));
                    }
                });
            }
            for (final Thread thread : threads) {
                thread.join(30_000);
            }
            assertEquals(Set.of(0x10, 0x11, 0x12, 0x13), seen);
        }
    }

    private static void enableExtIntOnLint0(final KvmVcpu vcpu, final RealModeGuest guest) {
        final MemorySegment lapic = guest.arena().allocate(1024);
        vcpu.getLapic(lapic);
        lapic.set(ValueLayout.JAVA_INT, 0x350, 0x700); // LVT LINT0: unmasked, delivery mode ExtINT
        lapic.set(ValueLayout.JAVA_INT, 0x360, 0x400); // LVT LINT1: NMI
        vcpu.setLapic(lapic);
    }
}
