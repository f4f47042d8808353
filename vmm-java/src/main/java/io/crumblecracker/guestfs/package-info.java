/**
 * A {@link java.nio.file.spi.FileSystemProvider} for the file system of a guest VM: {@code java.nio.file.Files}
 * works on {@code vm.path("/etc/passwd")} as on a host path, each operation carried out in the guest by its
 * agent through {@link io.crumblecracker.agent.GuestFileOperations}.
 *
 * <p>Entry points: {@link io.crumblecracker.guestfs.GuestFileSystemProvider#instance()} (scheme
 * {@code crumble}, URIs {@code crumble://<vmId>/abs/path}), and the {@link io.crumblecracker.guestfs.GuestFileSystem}
 * a VM opens for itself. Guest errors ({@code errno}) become the standard {@code java.nio.file} exceptions
 * ({@link io.crumblecracker.guestfs.GuestErrors}).
 */
package io.crumblecracker.guestfs;
