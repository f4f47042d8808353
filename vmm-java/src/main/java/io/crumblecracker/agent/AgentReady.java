package io.crumblecracker.agent;

import java.time.Duration;

/**
 * The agent's READY report: the container root is built and the agent listens.
 *
 * @param kernelRelease the guest kernel's {@code uname -r}
 * @param sinceBoot     time from kernel start to READY, by the guest's boot clock
 */
public record AgentReady(String kernelRelease, Duration sinceBoot) {
}
