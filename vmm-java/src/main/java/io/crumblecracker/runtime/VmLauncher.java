package io.crumblecracker.runtime;

import io.crumblecracker.agent.AgentReady;
import io.crumblecracker.agent.ReadyHandshake;
import io.crumblecracker.agent.VsockTransport;
import io.crumblecracker.agent.Wire;
import io.crumblecracker.api.Engine;
import io.crumblecracker.api.ImageSource;
import io.crumblecracker.api.Options;
import io.crumblecracker.api.VmException;
import io.crumblecracker.api.VmTimeoutException;
import io.crumblecracker.engine.qemu.QemuConfig;
import io.crumblecracker.engine.qemu.QemuEngine;
import io.crumblecracker.machine.HostKvm;
import io.crumblecracker.machine.KernelEntropy;
import io.crumblecracker.machine.KernelLocator;
import io.crumblecracker.machine.Machine;
import io.crumblecracker.machine.MachineConfig;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.rng.RngDevice;
import io.crumblecracker.virtio.vsock.VsockDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Boots a VM for an image: chooses the engine, attaches our devices (the image read-only on virtio-blk,
 * vsock for the agent, rng), builds the agent's initramfs, boots, and waits for the agent's READY.
 */
public final class VmLauncher {
    /** The guest's vsock context id (2 is the host; 3 is the first a guest may have). */
    public static final long GUEST_CID = 3;
    /**
     * System property: with {@code true}, {@link Engine#KVM} is used even where KVM cannot run guest user
     * mode (the VM then never becomes ready); for proving the kvm engine's boot path on such hosts.
     */
    public static final String ALLOW_EMULATED_KVM = "crumblecracker.kvm.allowEmulated";
    private static final System.Logger LOG = System.getLogger("io.crumblecracker");
    private static final int CONSOLE_TAIL = 64 * 1024;

    private VmLauncher() {
    }

    /**
     * Boots {@code image} with {@code options}.
     *
     * @throws io.crumblecracker.api.HypervisorUnavailableException if no engine can run here
     * @throws VmTimeoutException if the agent did not report READY within the boot timeout
     * @throws VmException if the VM could not be built or ended during start-up (the console tail says why)
     */
    public static LaunchedVm launch(final ImageSource image, final Options options) throws VmException {
        final EngineChoice choice = EngineChoice.choose(options.engineChoice(), HostKvm.probe(),
                QemuEngine.isInstalled(), Boolean.getBoolean(ALLOW_EMULATED_KVM));
        LOG.log(System.Logger.Level.INFO, choice.describe());
        final String id = UUID.randomUUID().toString();
        final Path root = image.rootFilesystem();
        final byte[] initramfs = AgentInitramfs.build(AgentBinary.bytes(), agentConfig(id, options));
        final ConsoleTail console = new ConsoleTail(CONSOLE_TAIL, options.kernelLogSink());
        final ReadyHandshake handshake = new ReadyHandshake();
        final VsockDevice vsock = new VsockDevice(GUEST_CID, handshake);
        final List<VirtioDevice> devices = List.of(rootDisk(root), vsock, new RngDevice(new KernelEntropy()));
        final List<String> cmdline = List.of(options.kernelLogSink() == null ? "quiet" : "loglevel=7");
        final LaunchedVm.EngineMachineHandle machine = choice.engine() == Engine.KVM
                ? bootKvm(options, initramfs, cmdline, console, devices)
                : bootQemu(choice, options, initramfs, cmdline, console, devices);
        final AgentReady ready = awaitReady(handshake, machine, options, console, image);
        LOG.log(System.Logger.Level.DEBUG, () -> "VM " + id + " ready after " + ready.sinceBoot().toMillis()
                + " ms of guest time, kernel " + ready.kernelRelease());
        return new LaunchedVm(id, choice, new VsockTransport(vsock, Wire.AGENT_PORT), ready, machine, console::text);
    }

    private static BlkDevice rootDisk(final Path root) throws VmException {
        try {
            return new BlkDevice(FileBlkBackend.open(root, true), "crumble-root");
        } catch (final IOException e) {
            throw new VmException("cannot open the root file system image " + root + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> agentConfig(final String id, final Options options) {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("hostname", options.host() != null ? options.host() : "crumble-" + id.substring(0, 8));
        config.put("root_device", "/dev/vda");
        config.put("root_fstype", "erofs");
        config.put("agent_port", Integer.toString(Wire.AGENT_PORT));
        config.put("ready_port", Integer.toString(Wire.READY_PORT));
        config.put("upper_size", "50%");
        return config;
    }

    private static LaunchedVm.EngineMachineHandle bootQemu(final EngineChoice choice, final Options options,
            final byte[] initramfs, final List<String> cmdline, final ConsoleTail console,
            final List<VirtioDevice> devices) throws VmException {
        final Path kernel = KernelLocator.bzImage().orElseThrow(() -> missingKernel("bzImage"));
        final QemuConfig.Builder config = QemuConfig.builder(kernel).memoryMiB(options.memory())
                .cpus(options.cpuCount()).accel(choice.accel()).initramfs(initramfs).cmdline(cmdline)
                .consoleOut(console);
        devices.forEach(config::device);
        return new QemuEngineMachine(QemuEngine.locate().boot(config.build()));
    }

    private static LaunchedVm.EngineMachineHandle bootKvm(final Options options, final byte[] initramfs,
            final List<String> cmdline, final ConsoleTail console, final List<VirtioDevice> devices)
            throws VmException {
        final Path kernel = KernelLocator.vmlinux().orElseThrow(() -> missingKernel("vmlinux"));
        final MachineConfig.Builder config = MachineConfig.builder(kernel).memoryMiB(options.memory())
                .vcpus(options.cpuCount()).initramfs(initramfs).cmdline(cmdline).consoleOut(console);
        devices.forEach(config::device);
        return new KvmEngineMachine(Machine.boot(config.build()));
    }

    private static VmException missingKernel(final String file) {
        return new VmException("no guest kernel " + file + " in " + KernelLocator.directory()
                + ": build it with kernel/build.sh (or set CRUMBLE_KERNEL_DIR)");
    }

    private static AgentReady awaitReady(final ReadyHandshake handshake, final LaunchedVm.EngineMachineHandle machine,
            final Options options, final ConsoleTail console, final ImageSource image) throws VmException {
        final CompletableFuture<Object> first = CompletableFuture.anyOf(handshake.ready(), machine.onExit());
        try {
            first.get(options.startupLimit().toMillis(), TimeUnit.MILLISECONDS);
            if (handshake.ready().isDone()) {
                return handshake.ready().get();
            }
            throw new VmException("the VM for " + image.name() + " stopped during start-up ("
                    + machine.onExit().getNow("?") + ")\nconsole:\n" + console.text());
        } catch (final TimeoutException e) {
            machine.kill();
            throw new VmTimeoutException("the VM for " + image.name() + " was not ready within "
                    + options.startupLimit().toSeconds() + " s (Options.bootTimeout)\nconsole:\n" + console.text(), e);
        } catch (final ExecutionException e) {
            machine.kill();
            throw new VmException("the agent's READY report failed: " + e.getCause().getMessage()
                    + "\nconsole:\n" + console.text(), e.getCause());
        } catch (final InterruptedException e) {
            machine.kill();
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while the VM was starting", e);
        } catch (final VmException e) {
            machine.kill();
            throw e;
        }
    }
}
