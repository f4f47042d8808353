package io.crumblecracker.machine;

import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.MemoryRegion;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Allocates guest RAM as anonymous private mappings and registers each with KVM as a memory slot.
 *
 * <p>x86 keeps the 1 GiB below 4 GiB for MMIO (virtio-mmio, the IOAPIC, the local APIC), so RAM beyond
 * {@code gapStart} continues at 4 GiB. The mappings are {@code MAP_NORESERVE}: pages cost host memory
 * only when the guest touches them. They are unmapped when the arena closes.
 */
final class GuestRam {

    private GuestRam() {
    }

    /** Maps {@code bytes} of RAM, registers the slots with {@code vm}, and returns the guest's view. */
    static GuestMemory allocate(final KvmVm vm, final long bytes, final long gapStart, final long gapEnd,
                                final Arena arena) {
        final List<MemoryRegion> regions = new ArrayList<>();
        final long low = Math.min(bytes, gapStart);
        regions.add(map(GuestAddress.ZERO, low, arena));
        if (bytes > low) {
            regions.add(map(GuestAddress.of(gapEnd), bytes - low, arena));
        }
        for (int slot = 0; slot < regions.size(); slot++) {
            vm.setUserMemoryRegion(slot, regions.get(slot).start().value(), regions.get(slot).segment());
        }
        return new SegmentGuestMemory(regions);
    }

    private static MemoryRegion map(final GuestAddress start, final long size, final Arena arena) {
        final MemorySegment segment = Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0, arena,
                "guest RAM at " + start);
        return new MemoryRegion(start, segment);
    }
}
