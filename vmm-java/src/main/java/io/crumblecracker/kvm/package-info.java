/**
 * The typed KVM API, 1:1 with the ioctls and grouped by file descriptor as KVM is: {@link
 * io.crumblecracker.kvm.Kvm} (the system fd), {@link io.crumblecracker.kvm.KvmVm}, {@link
 * io.crumblecracker.kvm.KvmVcpu}. No policy lives here: what to do on an exit is decided above.
 *
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html">The Definitive KVM API Documentation</a>
 */
package io.crumblecracker.kvm;
