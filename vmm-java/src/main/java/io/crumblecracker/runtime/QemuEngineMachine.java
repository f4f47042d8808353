package io.crumblecracker.runtime;

import io.crumblecracker.engine.qemu.QemuMachine;
import java.util.concurrent.CompletableFuture;

/** The qemu engine's machine. */
final class QemuEngineMachine implements LaunchedVm.EngineMachineHandle {
    private final QemuMachine machine;
    private final CompletableFuture<String> exit;

    QemuEngineMachine(final QemuMachine machine) {
        this.machine = machine;
        this.exit = machine.onExit().thenApply(e -> e.describe());
    }

    @Override
    public CompletableFuture<String> onExit() {
        return exit;
    }

    @Override
    public void kill() {
        machine.close();
    }
}
