package io.crumblecracker.loader.boot;

import java.util.Locale;

/** Renders byte counts and addresses for error messages ("300 MiB", "0x1000000"). */
public final class Sizes {

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Sizes() {
    }

    /** A byte count in the largest binary unit that keeps it readable: "300 MiB", "1.5 GiB", "17 bytes". */
    public static String bytes(final long count) {
        if (count < 0) {
            return Long.toUnsignedString(count) + " bytes";
        }
        if (count >= GIB) {
            return scaled(count, GIB, "GiB");
        }
        if (count >= MIB) {
            return scaled(count, MIB, "MiB");
        }
        if (count >= KIB) {
            return scaled(count, KIB, "KiB");
        }
        return count + (count == 1 ? " byte" : " bytes");
    }

    /** An unsigned address in hexadecimal: "0x1000000". */
    public static String hex(final long address) {
        return "0x" + Long.toHexString(address);
    }

    private static String scaled(final long count, final long unit, final String name) {
        if (count % unit == 0) {
            return count / unit + " " + name;
        }
        return String.format(Locale.ROOT, "%.1f %s", (double) count / unit, name);
    }
}
