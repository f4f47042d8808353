package io.crumblecracker.loader.boot;

import java.util.Objects;

/**
 * One e820 memory-map entry: {@code size} bytes of {@code type} memory from {@code address}.
 *
 * <p>Spec: {@code struct boot_e820_entry} in {@code arch/x86/include/uapi/asm/bootparam.h}, written as 20
 * packed little-endian bytes: {@code u64 addr, u64 size, u32 type}.
 *
 * @param address the guest physical address of the first byte
 * @param size    the number of bytes, at least one
 * @param type    what the memory is
 */
public record E820Entry(long address, long size, E820Type type) {

    /** Bytes one entry takes in the zero page's {@code e820_table}. */
    public static final int SIZE = 20;

    /** Validates the size and that the entry does not run past the top of the address space. */
    public E820Entry {
        Objects.requireNonNull(type, "type");
        if (size == 0) {
            throw new BootException("e820 entry at address=" + Sizes.hex(address) + " has size=0");
        }
        AddressRange.of(address, size);
    }

    /** The address one past the entry's last byte. */
    public long end() {
        return address + size;
    }

    /** The entry as an address range. */
    public AddressRange range() {
        return AddressRange.of(address, size);
    }

    @Override
    public String toString() {
        return type + range().toString();
    }
}
