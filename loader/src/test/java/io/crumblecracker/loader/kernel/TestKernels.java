package io.crumblecracker.loader.kernel;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small synthetic kernel images and heap-backed guest memory for tests. */
public final class TestKernels {

    public static final long MIB = 1024 * 1024;

    private TestKernels() {
    }

    /** Zeroed guest memory of {@code size} bytes at guest address 0. */
    public static GuestMemory memory(final long size) {
        return SegmentGuestMemory.of(Arena.ofAuto().allocate(size));
    }

    /** One PT_LOAD segment of an ELF under construction. */
    public record Segment(long paddr, byte[] data, long memsz) {
    }

    /** A builder of ELF64 x86-64 executables with PT_LOAD segments; fields are public to make bad ones. */
    public static final class Elf {
        public int elfClass = 2;
        public int data = 1;
        public int type = 2;
        public int machine = 62;
        public int phentsize = 56;
        public long entry = 0x100_0000;
        public final List<Segment> segments = new ArrayList<>();

        public Elf segment(final long paddr, final byte[] bytes, final long memsz) {
            segments.add(new Segment(paddr, bytes, memsz));
            return this;
        }

        /** Layout: header, program headers, then each segment's bytes in order. */
        public byte[] build() {
            final int tableSize = segments.size() * 56;
            int size = 64 + tableSize;
            for (final Segment s : segments) {
                size += s.data().length;
            }
            final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            out.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) data, 1, 0});
            out.position(16);
            out.putShort((short) type).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(0)
                    .putInt(0).putShort((short) 64).putShort((short) phentsize).putShort((short) segments.size())
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0);
            long offset = 64 + tableSize;
            for (final Segment s : segments) {
                out.putInt(1).putInt(7).putLong(offset).putLong(0xffffffff80000000L + s.paddr()).putLong(s.paddr())
                        .putLong(s.data().length).putLong(s.memsz()).putLong(0x1000);
                offset += s.data().length;
            }
            for (final Segment s : segments) {
                out.put(s.data());
            }
            return out.array();
        }
    }

    /** A minimal valid ELF kernel: one 4 KiB segment at 16 MiB with 8 KiB of bss, entry at its start. */
    public static byte[] simpleElf() {
        return new Elf().segment(0x100_0000, filled(4096, (byte) 0x90), 3 * 4096).build();
    }

    /** A builder of synthetic bzImages: boot sector, setup sectors, then the protected-mode payload. */
    public static final class BzImage {
        public int setupSects = 4;
        public int version = 0x020f;
        public int loadflags = 0x01;
        public int xloadflags = 0x03;
        public boolean relocatable = true;
        public long kernelAlignment = 0x20_0000;
        public long prefAddress = 0x100_0000;
        public long initSize = 0x40_0000;
        public long cmdlineSize = 2047;
        public long initrdAddrMax = 0x7fff_ffff;
        public int headerLength = 0x6a;
        public int payloadSize = 8192;
        public Long syssize;

        public byte[] build() {
            final int sects = setupSects == 0 ? 4 : setupSects;
            final int offset = (sects + 1) * 512;
            final ByteBuffer out = ByteBuffer.allocate(offset + payloadSize).order(ByteOrder.LITTLE_ENDIAN);
            out.put(0x1f1, (byte) setupSects);
            out.putInt(0x1f4, (int) ((syssize != null ? syssize : payloadSize + 15L) / 16));
            out.putShort(0x1fe, (short) 0xAA55);
            out.put(0x200, (byte) 0xEB).put(0x201, (byte) headerLength);
            out.putInt(0x202, 0x53726448);
            out.putShort(0x206, (short) version);
            out.put(0x211, (byte) loadflags);
            out.putInt(0x214, 0x100000);
            out.putInt(0x22c, (int) initrdAddrMax);
            out.putInt(0x230, (int) kernelAlignment);
            out.put(0x234, (byte) (relocatable ? 1 : 0));
            out.putShort(0x236, (short) xloadflags);
            out.putInt(0x238, (int) cmdlineSize);
            out.putLong(0x258, prefAddress);
            out.putInt(0x260, (int) initSize);
            for (int i = 0; i < payloadSize; i++) {
                out.put(offset + i, (byte) (i * 7 + 1));
            }
            return out.array();
        }
    }

    public static byte[] filled(final int size, final byte value) {
        final byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }
}
