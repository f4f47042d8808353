package io.crumblecracker.machine;

import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.Poll;
import io.crumblecracker.virtio.device.VirtioDevice;
import java.util.List;

/**
 * The thread that processes one virtio device's queues. The guest's queue notifications are KVM
 * ioeventfds, so a notification costs the guest no exit to the VMM; this thread sleeps in
 * {@code poll(2)} on those eventfds and runs {@link VirtioDevice#processQueue} for each that fired.
 *
 * <p>Threading: {@link #start()} and {@link #close()} from the machine's thread; everything else runs on
 * the worker thread. A failing device stops its worker only, never the VM's other threads or the JVM.
 */
final class QueueWorker implements AutoCloseable {

    private final VirtioDevice device;
    private final List<EventFd> queueEvents;
    private final EventFd stopEvent = new EventFd();
    private final String name;
    private Thread thread;

    QueueWorker(final String name, final VirtioDevice device, final List<EventFd> queueEvents) {
        this.name = name;
        this.device = device;
        this.queueEvents = List.copyOf(queueEvents);
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    @Override
    public void close() {
        stopEvent.signal();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopEvent.close();
    }

    private void run() {
        final int[] fds = new int[queueEvents.size() + 1];
        for (int i = 0; i < queueEvents.size(); i++) {
            fds[i] = queueEvents.get(i).fd();
        }
        fds[queueEvents.size()] = stopEvent.fd();
        try (Poll poll = new Poll(fds)) {
            while (true) {
                poll.await(-1);
                if (poll.readable(queueEvents.size())) {
                    return;
                }
                for (int queue = 0; queue < queueEvents.size(); queue++) {
                    if (poll.readable(queue) && queueEvents.get(queue).drain() > 0) {
                        device.processQueue(queue);
                    }
                }
            }
        } catch (final RuntimeException e) {
            System.err.println("crumble: " + name + " stopped: " + e);
        }
    }
}
