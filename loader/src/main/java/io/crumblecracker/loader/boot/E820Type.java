package io.crumblecracker.loader.boot;

/**
 * The kind of an e820 memory-map entry, as the {@code type} field of {@code struct boot_e820_entry}.
 *
 * <p>Spec: {@code arch/x86/include/uapi/asm/bootparam.h} and the ACPI specification's "Address Range
 * Types" (ACPI 6.5, section 15.3).
 */
public enum E820Type {
    /** Usable RAM ({@code E820_TYPE_RAM}). */
    RAM(1),
    /** Reserved; the OS must not use it ({@code E820_TYPE_RESERVED}). */
    RESERVED(2),
    /** ACPI tables, reclaimable once parsed ({@code E820_TYPE_ACPI}). */
    ACPI(3),
    /** ACPI non-volatile storage ({@code E820_TYPE_NVS}). */
    NVS(4),
    /** Memory with errors ({@code E820_TYPE_UNUSABLE}). */
    UNUSABLE(5);

    private final int code;

    E820Type(final int code) {
        this.code = code;
    }

    /** The numeric type written into the table. */
    public int code() {
        return code;
    }
}
