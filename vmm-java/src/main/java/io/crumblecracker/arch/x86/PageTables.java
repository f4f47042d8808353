package io.crumblecracker.arch.x86;

import io.crumblecracker.memory.GuestMemory;

/**
 * The boot page tables: an identity map of the first 4 GiB with 2 MiB pages, which the 64-bit boot
 * protocol requires to cover at least the kernel, the zero page and the command line.
 *
 * <p>One PML4 entry references the PDPT; its first {@link X86Layout#PD_COUNT} entries reference one
 * page directory each; each of their 512 entries maps a 2 MiB page ({@code PS}). All entries are
 * present and writable, supervisor-only.
 *
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §4.5, 4-Level Paging (Table 4-15, 4-17)</a>
 */
public final class PageTables {

    /** Entry bit 0: present. */
    public static final long PRESENT = 1L;
    /** Entry bit 1: writable. */
    public static final long WRITABLE = 1L << 1;
    /** Page-directory entry bit 7: maps a 2 MiB page rather than referencing a page table. */
    public static final long PAGE_SIZE_2M = 1L << 7;
    /** Bytes mapped by one page-directory entry. */
    public static final long HUGE_PAGE = 2L << 20;
    /** Entries per table page. */
    public static final int ENTRIES = 512;

    private static final int ENTRY_SIZE = 8;

    private PageTables() {
    }

    /**
     * Writes the tables at {@link X86Layout#PML4} .. {@link X86Layout#PAGE_TABLES_END}, clearing every
     * entry not listed above.
     *
     * @return the {@code cr3} value: the PML4's address
     */
    public static long write(final GuestMemory memory) {
        memory.fill(X86Layout.PML4, X86Layout.PAGE_TABLES_END - X86Layout.PML4, (byte) 0);
        memory.writeU64(X86Layout.PML4, X86Layout.PDPT | PRESENT | WRITABLE);
        for (int pd = 0; pd < X86Layout.PD_COUNT; pd++) {
            final long pdAddress = X86Layout.PD_START + pd * X86Layout.PAGE_SIZE;
            memory.writeU64(X86Layout.PDPT + (long) pd * ENTRY_SIZE, pdAddress | PRESENT | WRITABLE);
            writeDirectory(memory, pdAddress, (long) pd * ENTRIES * HUGE_PAGE);
        }
        return X86Layout.PML4;
    }

    /** The page-directory entry that identity-maps the 2 MiB page at {@code physical}. */
    public static long hugePageEntry(final long physical) {
        return physical | PRESENT | WRITABLE | PAGE_SIZE_2M;
    }

    private static void writeDirectory(final GuestMemory memory, final long pdAddress, final long firstPage) {
        for (int i = 0; i < ENTRIES; i++) {
            memory.writeU64(pdAddress + (long) i * ENTRY_SIZE, hugePageEntry(firstPage + i * HUGE_PAGE));
        }
    }
}
