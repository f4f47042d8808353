package io.crumblecracker.bus;

import java.util.Arrays;

/**
 * Routes an access on one bus (port I/O or MMIO) to the device whose range contains it.
 *
 * <p>Devices are registered while the machine is built and never afterwards, so lookups read an
 * immutable array with no locking. Ranges must not overlap.
 *
 * @param <D> the device contract of this bus
 */
public final class IoBus<D> {

    /** A registered device and the range it answers to. */
    public record Entry<D>(BusRange range, D device) { }

    private volatile Entry<D>[] entries;

    /** Creates an empty bus. */
    @SuppressWarnings("unchecked")
    public IoBus() {
        this.entries = new Entry[0];
    }

    /**
     * Registers {@code device} for {@code range}.
     *
     * @throws IllegalArgumentException if the range overlaps one already registered
     */
    public synchronized void register(final BusRange range, final D device) {
        for (final Entry<D> entry : entries) {
            if (entry.range().overlaps(range)) {
                throw new IllegalArgumentException("range " + range + " overlaps " + entry.range());
            }
        }
        final Entry<D>[] grown = Arrays.copyOf(entries, entries.length + 1);
        grown[entries.length] = new Entry<>(range, device);
        entries = grown;
    }

    /** The entry whose range contains {@code address}, or {@code null} if none does. */
    public Entry<D> find(final long address) {
        for (final Entry<D> entry : entries) {
            if (entry.range().contains(address)) {
                return entry;
            }
        }
        return null;
    }
}
