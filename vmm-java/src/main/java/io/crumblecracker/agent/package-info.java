/**
 * The host side of the guest agent protocol (docs/agent-protocol.md): frames, connections, process
 * sessions and file operations. Internal: users reach it through {@code io.crumblecracker.api}.
 */
package io.crumblecracker.agent;
