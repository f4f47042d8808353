package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.ForeignEventFd;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.queue.QueueConfig;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.vhost.Payloads.VringAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the front-end's ring and memory state into a running device: whenever that state changes the
 * connection thread calls {@link #pause}, changes it, then {@link #resume}, which validates and activates
 * the running rings' {@link SplitQueue}s against the current memory table, activates the device and starts
 * a fresh {@link RingWorker}. Pausing records where each queue stopped, so processing resumes at the same
 * available and used index.
 *
 * <p>Rebuilding is cheap (a thread start) and happens only on control messages (start, stop, memory table,
 * features), never on the data path. The device is reset and re-activated on each rebuild, which the
 * {@link VirtioDevice} contract allows; it sees only memory and queues that were validated.
 *
 * <p>Threading: the connection thread only.
 */
final class DeviceRunner implements AutoCloseable {

    private final String name;
    private final VirtioDevice device;
    private final List<Vring> rings;
    private final SplitQueue[] queues;
    private final VhostInterrupt interrupt;
    private final Consumer<Throwable> onFailure;
    private MemoryTable table;
    private long features;
    private boolean active;
    private RingWorker worker;

    DeviceRunner(final String name, final VirtioDevice device, final Consumer<Throwable> onFailure) {
        this.name = name;
        this.device = device;
        this.onFailure = onFailure;
        final List<Vring> ringList = new ArrayList<>();
        this.queues = new SplitQueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            ringList.add(new Vring(i, device.queueMaxSize(i)));
            queues[i] = new SplitQueue(device.queueMaxSize(i));
        }
        this.rings = List.copyOf(ringList);
        this.interrupt = new VhostInterrupt(name, rings);
    }

    /** The rings, by index. */
    List<Vring> rings() {
        return rings;
    }

    /** The current memory table, or {@code null} before SET_MEM_TABLE. */
    MemoryTable table() {
        return table;
    }

    /** Replaces the memory table (call between {@link #pause} and {@link #resume}); unmaps the old one. */
    void replaceTable(final MemoryTable newTable) {
        final MemoryTable old = table;
        table = newTable;
        if (old != null) {
            old.close();
        }
    }

    /** Sets the negotiated virtio features (call between {@link #pause} and {@link #resume}). */
    void setFeatures(final long negotiated) {
        this.features = negotiated;
    }

    /** Stops the worker and the device, and records each active queue's position in its ring. */
    void pause() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
        if (active) {
            for (int i = 0; i < queues.length; i++) {
                final SplitQueue queue = queues[i];
                if (queue.isActive()) {
                    rings.get(i).setBase(queue.nextAvail(), queue.nextUsed());
                }
                queue.reset();
            }
            device.reset();
            active = false;
        }
    }

    /**
     * Activates every running ring and the device, and starts the worker; does nothing while no ring runs
     * or no memory table is set.
     *
     * @throws VhostUserException if a running ring's size or addresses are invalid; nothing is left active
     */
    void resume() throws VhostUserException {
        final List<Vring> running = rings.stream().filter(Vring::isRunning).toList();
        if (running.isEmpty() || table == null) {
            return;
        }
        final int[] indexes = new int[running.size()];
        final ForeignEventFd[] kicks = new ForeignEventFd[running.size()];
        try {
            for (int i = 0; i < running.size(); i++) {
                activateQueue(running.get(i));
                indexes[i] = running.get(i).index();
                kicks[i] = running.get(i).kick();
            }
        } catch (final VhostUserException e) {
            for (final SplitQueue queue : queues) {
                queue.reset();
            }
            throw e;
        }
        device.activate(features, table.memory(), List.of(queues), interrupt);
        active = true;
        worker = new RingWorker(name + "-rings", device, indexes, kicks, onFailure);
        worker.start();
    }

    /** Stops everything and releases every descriptor and mapping. */
    @Override
    public void close() {
        try {
            pause();
        } finally {
            rings.forEach(Vring::release);
            replaceTable(null);
        }
    }

    private void activateQueue(final Vring ring) throws VhostUserException {
        final VringAddress address = ring.address();
        final String what = "ring " + ring.index();
        if (address == null) {
            throw new VhostUserException(what + " was started without SET_VRING_ADDR");
        }
        final int size = ring.size();
        if (size > queues[ring.index()].maxSize()) {
            // vhost-user cannot advertise a maximum: the front-end chose a larger ring than the device's
            // preference (QEMU's vhost-user-rng uses 1024), so this queue is sized to what the driver uses.
            queues[ring.index()] = new SplitQueue(size);
        }
        final QueueConfig config = queues[ring.index()].config();
        config.setSize(size);
        config.setDescriptorTable(table.toGuest(address.descriptor(), RingLayout.descriptorTableSize(size),
                what + " descriptor"));
        config.setAvailRing(table.toGuest(address.available(), RingLayout.availRingSize(size), what + " available"));
        config.setUsedRing(table.toGuest(address.used(), RingLayout.usedRingSize(size), what + " used"));
        config.setReady(true);
        final SplitQueue queue = queues[ring.index()];
        queue.setIndexes(ring.availBase(), ring.usedBase());
        try {
            queue.activate(table.memory(), FeatureBits.has(features, FeatureBits.RING_INDIRECT_DESC),
                    FeatureBits.has(features, FeatureBits.RING_EVENT_IDX));
        } catch (final RingViolation e) {
            throw new VhostUserException(what + ": " + e.getMessage(), e);
        }
    }
}
