package io.crumblecracker.arch.x86;

/**
 * The state of a vCPU that runs hand-assembled 16-bit code from guest address {@code rip} in real
 * mode: {@code cs} with selector 0 and base 0, interrupts off. Data and stack segments keep KVM's
 * reset values (selector 0, base 0, limit 0xffff), so the code addresses the first 64 KiB.
 *
 * @param cs     the code segment: base 0, selector 0, limit 0xffff, execute/read accessed code
 * @param rip    where execution starts, below 64 KiB
 * @param rflags 0x2: only the always-one bit
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §9.1.4, First Instruction Executed; §20.1, Real-Address Mode</a>
 */
public record RealModeState(SegmentRegister cs, long rip, long rflags) {

    /** The highest {@code rip} reachable with {@code cs.base = 0}. */
    public static final long MAX_RIP = 0xffffL;

    /** Real-mode code segment type: execute/read, accessed. */
    private static final int CODE_TYPE = 0xb;

    /** A real-mode vCPU state starting at guest address {@code rip}. */
    public static RealModeState at(final long rip) {
        if (rip < 0 || rip > MAX_RIP) {
            throw new IllegalArgumentException("rip=0x" + Long.toHexString(rip) + " outside real-mode [0, 0xffff]");
        }
        final SegmentRegister cs = new SegmentRegister(0, (int) MAX_RIP, 0, CODE_TYPE, 1, 0, 0, 1, 0, 0, 0, 0);
        return new RealModeState(cs, rip, LongModeBootState.RFLAGS_RESERVED);
    }
}
