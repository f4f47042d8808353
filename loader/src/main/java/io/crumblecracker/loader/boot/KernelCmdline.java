package io.crumblecracker.loader.boot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validating builder for the kernel command line: space-separated parameters of printable ASCII.
 *
 * <p>The kernel copies at most {@code COMMAND_LINE_SIZE} bytes, terminating NUL included, so a longer
 * line would be cut silently; this builder refuses it instead. A parameter may contain spaces only
 * inside double quotes ({@code foo="a b"}), as the kernel's parser ({@code next_arg}) expects.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "The kernel command line" and field
 * {@code cmdline_size}; {@code Documentation/admin-guide/kernel-parameters.rst}.
 *
 * <p>Not thread-safe: build on one thread, then hand it over.
 */
public final class KernelCmdline {

    /** The x86 {@code COMMAND_LINE_SIZE}: the longest command line in bytes, terminating NUL included. */
    public static final int X86_MAX_SIZE = 2048;

    private final int capacity;
    private final List<String> params = new ArrayList<>();
    private int length;

    /** An empty command line of at most {@link #X86_MAX_SIZE} bytes, NUL included. */
    public KernelCmdline() {
        this(X86_MAX_SIZE);
    }

    /** An empty command line of at most {@code capacity} bytes, terminating NUL included. */
    public KernelCmdline(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " leaves no room for the terminating NUL");
        }
        this.capacity = capacity;
    }

    /** Parses {@code line}, splitting on spaces outside double quotes, into an x86-sized command line. */
    public static KernelCmdline parse(final String line) {
        return new KernelCmdline().addAll(split(line));
    }

    /**
     * Appends one parameter, such as {@code console=ttyS0} or {@code quiet}.
     *
     * @throws BootException if the parameter is empty, holds a NUL, newline, other control or non-ASCII
     *                       character, an unquoted space or an unbalanced quote, or the line would
     *                       exceed the capacity
     */
    public KernelCmdline add(final String param) {
        validate(param);
        final int newLength = params.isEmpty() ? param.length() : length + 1 + param.length();
        requireFits(newLength);
        params.add(param);
        length = newLength;
        return this;
    }

    /** Appends every parameter in order; if one is rejected, none is added. */
    public KernelCmdline addAll(final Iterable<String> more) {
        final KernelCmdline trial = new KernelCmdline(capacity);
        trial.params.addAll(params);
        trial.length = length;
        for (final String param : more) {
            trial.add(param);
        }
        params.clear();
        params.addAll(trial.params);
        length = trial.length;
        return this;
    }

    /** The parameters in order. */
    public List<String> params() {
        return List.copyOf(params);
    }

    /** The line's length in bytes, without the terminating NUL. */
    public int length() {
        return length;
    }

    /** The most bytes the line may take, terminating NUL included. */
    public int capacity() {
        return capacity;
    }

    /** The line as the kernel receives it: ASCII bytes followed by one NUL. */
    public byte[] toBytes() {
        final byte[] text = toString().getBytes(StandardCharsets.US_ASCII);
        final byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    @Override
    public String toString() {
        return String.join(" ", params);
    }

    private void requireFits(final int newLength) {
        final long withNul = newLength + 1L;
        if (withNul > capacity) {
            throw new BootException("command line is " + withNul + " bytes, the limit is " + capacity
                    + " (both counting the terminating NUL)");
        }
    }

    private static void validate(final String param) {
        if (param == null || param.isEmpty()) {
            throw new BootException("command-line parameter is empty");
        }
        boolean quoted = false;
        for (int i = 0; i < param.length(); i++) {
            final char c = param.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                throw new BootException("command-line parameter \"" + param + "\" has a space outside quotes;"
                        + " add each parameter separately");
            } else if (c < 0x20 || c > 0x7e) {
                throw new BootException("command-line parameter has character=0x" + Integer.toHexString(c)
                        + " at index=" + i + "; only printable ASCII is allowed (no NUL, newline or tab)");
            }
        }
        if (quoted) {
            throw new BootException("command-line parameter " + param + " has an unbalanced double quote");
        }
    }

    private static List<String> split(final String line) {
        final List<String> out = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ' ' && !quoted) {
                flush(current, out);
            } else {
                current.append(c);
            }
        }
        flush(current, out);
        return out;
    }

    private static void flush(final StringBuilder current, final List<String> out) {
        if (!current.isEmpty()) {
            out.add(current.toString());
            current.setLength(0);
        }
    }
}
