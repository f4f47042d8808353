/**
 * A vhost-user back-end: serves any {@link io.crumblecracker.virtio.device.VirtioDevice} over a UNIX
 * stream socket to a vhost-user front-end such as QEMU, which runs the vCPUs and shares guest memory
 * through file descriptors.
 *
 * <p>{@link io.crumblecracker.vhost.VhostUserServer} is the entry point. Underneath, one connection
 * thread frames requests ({@code MessageReader}), answers them ({@code VhostUserBackend}), maps guest
 * memory ({@code MemoryTable}) and starts or stops the rings ({@code DeviceRunner}); one worker thread
 * per device waits on the kick eventfds and calls {@code processQueue}. Every front-end number and
 * descriptor is validated before use. Native calls (sockets with {@code SCM_RIGHTS}, mmap, fcntl) live
 * in {@code io.crumblecracker.kvm.sys}.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html">vhost-user protocol</a>
 */
package io.crumblecracker.vhost;
