package io.crumblecracker.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses memory sizes such as {@code 256M}, {@code 256MiB}, {@code 1G}, {@code 1GiB}; a bare number is
 * MiB. Returns MiB.
 */
final class MemorySizeConverter implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*(m|mb|mib|g|gb|gib)?");

    @Override
    public Long convert(final String value) {
        final Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a memory size: use e.g. 256M or 1G");
        }
        final long number = Long.parseLong(m.group(1));
        final String unit = m.group(2) == null ? "m" : m.group(2);
        final long mib = unit.startsWith("g") ? number * 1024 : number;
        if (mib < 32) {
            throw new CommandLine.TypeConversionException("memory " + value + " is too small: at least 32M");
        }
        return mib;
    }
}
