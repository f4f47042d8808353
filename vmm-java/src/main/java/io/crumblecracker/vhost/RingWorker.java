package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.ForeignEventFd;
import io.crumblecracker.kvm.sys.Poll;
import io.crumblecracker.virtio.device.VirtioDevice;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The thread that processes one vhost-user device's running rings (vhost-user spec, SET_VRING_KICK): it
 * sleeps in {@code poll(2)} on the rings' kick eventfds and calls {@link VirtioDevice#processQueue} for
 * each that fired. A ring the front-end put in polling mode (no kick descriptor) is processed every
 * millisecond instead. Every ring is processed once at start, so kicks that came while the worker was
 * being rebuilt are not lost.
 *
 * <p>A kick descriptor that fails or reaches end of file, or a device that throws, stops the worker and is
 * reported to {@code onFailure}; it never escapes into the JVM's other threads.
 *
 * <p>Threading: {@link #start()} and {@link #close()} from the connection thread; the rest on the worker.
 */
final class RingWorker implements AutoCloseable {

    private static final int POLLING_INTERVAL_MILLIS = 1;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final VirtioDevice device;
    private final int[] queues;
    private final ForeignEventFd[] kicks;
    private final Consumer<Throwable> onFailure;
    private final EventFd stop = new EventFd();
    private Thread thread;

    /**
     * @param queues    the indexes of the running rings
     * @param kicks     their kick descriptors, {@code null} for polling; still owned by the rings
     * @param onFailure told once if the worker dies
     */
    RingWorker(final String name, final VirtioDevice device, final int[] queues, final ForeignEventFd[] kicks,
            final Consumer<Throwable> onFailure) {
        this.name = name;
        this.device = device;
        this.queues = queues.clone();
        this.kicks = kicks.clone();
        this.onFailure = onFailure;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Stops the worker and waits for it; fails if the device does not return within 30 s. */
    @Override
    public void close() {
        stop.signal();
        try {
            if (thread != null && !thread.join(JOIN_TIMEOUT)) {
                throw new IllegalStateException(name + " did not stop within " + JOIN_TIMEOUT);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while stopping", e);
        } finally {
            if (thread == null || !thread.isAlive()) {
                stop.close();
            }
        }
    }

    private void run() {
        final int[] fds = new int[queues.length + 1];
        boolean polling = false;
        for (int i = 0; i < queues.length; i++) {
            fds[i] = kicks[i] == null ? -1 : kicks[i].fd();
            polling |= kicks[i] == null;
        }
        fds[queues.length] = stop.fd();
        try (Poll poll = new Poll(fds)) {
            for (final int queue : queues) {
                device.processQueue(queue);
            }
            while (true) {
                poll.await(polling ? POLLING_INTERVAL_MILLIS : -1);
                if (poll.readable(queues.length)) {
                    return;
                }
                for (int i = 0; i < queues.length; i++) {
                    if (kicks[i] == null || poll.readable(i) && kicked(i)) {
                        device.processQueue(queues[i]);
                    }
                }
            }
        } catch (final RuntimeException e) {
            onFailure.accept(e);
        }
    }

    private boolean kicked(final int i) {
        final long count = kicks[i].drain();
        if (count < 0) {
            throw new IllegalStateException("kick eventfd of ring " + queues[i] + " failed or was closed (rc="
                    + (count == Long.MIN_VALUE ? "EOF" : count) + ")");
        }
        return count > 0;
    }
}
