package io.crumblecracker.runtime;

import io.crumblecracker.agent.AgentReady;
import io.crumblecracker.agent.VsockTransport;
import java.util.concurrent.CompletableFuture;

/**
 * A booted VM whose agent reported READY: what {@link io.crumblecracker.api.Vm} builds on.
 *
 * @param id        the VM's id
 * @param choice    the engine that runs it and why
 * @param transport connections to its agent
 * @param ready     the agent's report
 * @param machine   the engine's machine
 * @param console   the console's tail
 */
public record LaunchedVm(String id, EngineChoice choice, VsockTransport transport, AgentReady ready,
                         EngineMachineHandle machine, ConsoleHandle console) {

    /** The machine's end and a way to force it. */
    public interface EngineMachineHandle {
        /** Completes when the machine has ended, with how. */
        CompletableFuture<String> onExit();

        /** Ends it now. */
        void kill();
    }

    /** The serial console's recent output. */
    @FunctionalInterface
    public interface ConsoleHandle {
        /** The last few KiB of console output. */
        String tail();
    }
}
