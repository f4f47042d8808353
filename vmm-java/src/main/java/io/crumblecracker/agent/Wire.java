package io.crumblecracker.agent;

/** Constants of the agent protocol's framing (docs/agent-protocol.md, "Framing" and "Handshake"). */
public final class Wire {
    /** The bytes of a frame header: u32 length, u16 type, u16 reserved. */
    public static final int HEADER_BYTES = 8;
    /** The largest body either side accepts: 1 MiB of data plus room for the fields around it. */
    public static final int MAX_BODY = (1 << 20) + 4096;
    /** The most data one PREAD or PWRITE carries. */
    public static final int MAX_IO_CHUNK = 1 << 20;
    /** The most bytes one DATA frame of a process stream carries. */
    public static final int MAX_STREAM_CHUNK = 64 * 1024;
    /** The most strings in a {@code strs} field. */
    public static final int MAX_STRINGS = 65_536;
    /** "CRMB" read as a little-endian u32. */
    public static final int MAGIC = 0x424D5243;
    /** The protocol version this host speaks. */
    public static final int VERSION = 1;
    /** The vsock port the agent listens on. */
    public static final int AGENT_PORT = 1024;
    /** The host vsock port the agent reports READY to. */
    public static final int READY_PORT = 1025;
    /** Linux's EPROTO, used for protocol violations. */
    public static final int EPROTO = 71;

    private Wire() {
    }
}
