package io.crumblecracker.runtime;

import io.crumblecracker.machine.Machine;
import java.util.concurrent.CompletableFuture;

/** The kvm engine's machine (our VMM in this JVM); its resources are freed once it has ended. */
final class KvmEngineMachine implements LaunchedVm.EngineMachineHandle {
    private final Machine machine;
    private final CompletableFuture<String> exit;

    KvmEngineMachine(final Machine machine) {
        this.machine = machine;
        this.exit = machine.onExit().thenApply(e -> {
            Thread.ofPlatform().daemon().name("kvm-machine-close").start(machine::close);
            return e.reason() + (e.detail().isEmpty() ? "" : ": " + e.detail())
                    + (e.panic() == null || e.panic().isEmpty() ? "" : " (kernel panic: " + e.panic() + ")");
        });
    }

    @Override
    public CompletableFuture<String> onExit() {
        return exit;
    }

    @Override
    public void kill() {
        machine.stop();
        machine.close();
    }
}
