package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.NativeException;
import io.crumblecracker.kvm.sys.UnixSocket;
import io.crumblecracker.virtio.device.VirtioDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one {@link VirtioDevice} to one vhost-user front-end (QEMU, cloud-hypervisor, crosvm): listens on
 * a UNIX stream socket, accepts a single connection and answers it on a dedicated platform thread until
 * the front-end hangs up. The device's queues are processed on a second thread woken by the front-end's
 * kick eventfds; used buffers are signalled through its call eventfds. Guest memory is the front-end's,
 * shared through the descriptors of SET_MEM_TABLE.
 *
 * <p>Every number and descriptor the front-end sends is checked (see {@link VhostUserException}); a
 * violation, a failing device or a broken connection ends the session and completes {@link #done()}
 * exceptionally with the reason, which is also logged. A front-end that simply disconnects completes it
 * normally. Nothing a front-end sends can crash the JVM or hang this server.
 *
 * <p>Thread safety: {@link #close()} and the accessors from any thread.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html">vhost-user protocol</a>
 */
public final class VhostUserServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VhostUserServer.class.getName());

    private final Path socketPath;
    private final VirtioDevice device;
    private final String name;
    private final UnixSocket listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile UnixSocket connection;
    private volatile VhostUserBackend backend;
    private volatile boolean closing;

    private VhostUserServer(final Path socketPath, final VirtioDevice device, final String name,
            final UnixSocket listener) {
        this.socketPath = socketPath;
        this.device = device;
        this.name = name;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /**
     * Starts serving {@code device} on a new socket at {@code socketPath}; the front-end may connect as
     * soon as this returns.
     *
     * @param socketPath where to create the socket; must not exist, at most 107 bytes
     * @param device     the device to serve
     * @param name       names the threads and log lines, e.g. {@code "vhost-user-blk0"}
     * @throws IOException if the socket cannot be created
     */
    public static VhostUserServer start(final Path socketPath, final VirtioDevice device, final String name)
            throws IOException {
        Objects.requireNonNull(device, "device");
        final UnixSocket listener;
        try {
            listener = UnixSocket.listen(socketPath, 1);
        } catch (final NativeException | IllegalArgumentException e) {
            throw new IOException("cannot listen on " + socketPath + ": " + e.getMessage(), e);
        }
        final VhostUserServer server = new VhostUserServer(socketPath, device, name, listener);
        server.thread.start();
        return server;
    }

    /** The socket's path, for the front-end's command line. */
    public Path socketPath() {
        return socketPath;
    }

    /** The device served. */
    public VirtioDevice device() {
        return device;
    }

    /** True once a front-end has connected. */
    public boolean isConnected() {
        return connection != null;
    }

    /**
     * True once the connected front-end started a session (sent SET_OWNER); QEMU does this while it
     * realizes the device, after loading the kernel, so it means QEMU got through its start-up checks.
     */
    public boolean isSessionStarted() {
        final VhostUserBackend current = backend;
        return current != null && current.isOwned();
    }

    /**
     * Completes when the session ends: normally when the front-end disconnects (or {@link #close()} was
     * called), exceptionally with the reason when the backend failed.
     */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Ends the session, stops the device, closes the socket and deletes its file; idempotent. */
    @Override
    public void close() {
        closing = true;
        listener.shutdown();
        final UnixSocket current = connection;
        if (current != null) {
            current.shutdown();
        }
        try {
            thread.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
        try {
            Files.deleteIfExists(socketPath);
        } catch (final IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: cannot delete {1}: {2}", name, socketPath, e);
        }
        done.complete(null);
    }

    private void run() {
        final UnixSocket socket;
        try {
            socket = listener.accept();
        } catch (final NativeException e) {
            finish(closing ? null : new IOException(name + ": accept failed: " + e.getMessage(), e));
            return;
        }
        connection = socket;
        if (closing) {
            // close() may have looked for the connection before it was published: wake ourselves.
            socket.shutdown();
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: front-end connected", name);
        final MessageChannel channel = MessageChannel.of(socket);
        try (VhostUserBackend session = new VhostUserBackend(name, device, failure -> fail(socket, failure))) {
            backend = session;
            session.serve(channel);
            finish(null);
        } catch (final IOException | RuntimeException e) {
            finish(closing ? null : e);
        } finally {
            socket.close();
        }
    }

    /** A worker failure: record it and hang up, which ends {@link #run}. */
    private void fail(final UnixSocket socket, final Throwable failure) {
        done.completeExceptionally(new VhostUserException(name + ": device failed: " + failure, failure));
        LOG.log(System.Logger.Level.WARNING, "{0}: device failed, closing the connection: {1}", name, failure);
        socket.shutdown();
    }

    private void finish(final Throwable failure) {
        if (failure == null) {
            done.complete(null);
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: closing the vhost-user connection: {1}", name,
                failure.getMessage());
        done.completeExceptionally(failure);
    }
}
