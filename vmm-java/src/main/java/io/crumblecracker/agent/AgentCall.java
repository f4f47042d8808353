package io.crumblecracker.agent;

import java.io.IOException;

/** One request/reply exchange on a borrowed connection; decodes the reply while the frame is valid. */
@FunctionalInterface
interface AgentCall<T> {
    T exchange(FrameConnection connection) throws IOException;
}
