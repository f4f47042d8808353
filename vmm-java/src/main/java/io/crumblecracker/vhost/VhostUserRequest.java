package io.crumblecracker.vhost;

/**
 * Front-end request codes (vhost-user spec, "Front-end message types"), and the feature bits this backend
 * speaks ("Protocol features"; {@code VHOST_USER_F_PROTOCOL_FEATURES}).
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html#front-end-message-types">
 *      vhost-user: front-end message types</a>
 */
final class VhostUserRequest {

    static final int GET_FEATURES = 1;
    static final int SET_FEATURES = 2;
    static final int SET_OWNER = 3;
    static final int RESET_OWNER = 4;
    static final int SET_MEM_TABLE = 5;
    static final int SET_LOG_BASE = 6;
    static final int SET_LOG_FD = 7;
    static final int SET_VRING_NUM = 8;
    static final int SET_VRING_ADDR = 9;
    static final int SET_VRING_BASE = 10;
    static final int GET_VRING_BASE = 11;
    static final int SET_VRING_KICK = 12;
    static final int SET_VRING_CALL = 13;
    static final int SET_VRING_ERR = 14;
    static final int GET_PROTOCOL_FEATURES = 15;
    static final int SET_PROTOCOL_FEATURES = 16;
    static final int GET_QUEUE_NUM = 17;
    static final int SET_VRING_ENABLE = 18;
    static final int GET_CONFIG = 24;
    static final int SET_CONFIG = 25;

    /** Feature bit 30: the backend speaks GET/SET_PROTOCOL_FEATURES; rings then start disabled. */
    static final long F_PROTOCOL_FEATURES = 1L << 30;
    /** Protocol feature 0: GET_QUEUE_NUM. */
    static final long PROTOCOL_F_MQ = 1L;
    /** Protocol feature 3: NEED_REPLY is honoured on every request. */
    static final long PROTOCOL_F_REPLY_ACK = 1L << 3;
    /** Protocol feature 9: GET_CONFIG / SET_CONFIG. */
    static final long PROTOCOL_F_CONFIG = 1L << 9;

    private static final String[] NAMES = {
        "0", "GET_FEATURES", "SET_FEATURES", "SET_OWNER", "RESET_OWNER", "SET_MEM_TABLE", "SET_LOG_BASE",
        "SET_LOG_FD", "SET_VRING_NUM", "SET_VRING_ADDR", "SET_VRING_BASE", "GET_VRING_BASE", "SET_VRING_KICK",
        "SET_VRING_CALL", "SET_VRING_ERR", "GET_PROTOCOL_FEATURES", "SET_PROTOCOL_FEATURES", "GET_QUEUE_NUM",
        "SET_VRING_ENABLE", "SEND_RARP", "NET_SET_MTU", "SET_BACKEND_REQ_FD", "IOTLB_MSG", "SET_VRING_ENDIAN",
        "GET_CONFIG", "SET_CONFIG", "CREATE_CRYPTO_SESSION", "CLOSE_CRYPTO_SESSION", "POSTCOPY_ADVISE",
        "POSTCOPY_LISTEN", "POSTCOPY_END", "GET_INFLIGHT_FD", "SET_INFLIGHT_FD", "GPU_SET_SOCKET",
        "RESET_DEVICE", "VRING_KICK", "GET_MAX_MEM_SLOTS", "ADD_MEM_REG", "REM_MEM_REG", "SET_STATUS",
        "GET_STATUS",
    };

    private VhostUserRequest() {
    }

    /** {@code "SET_MEM_TABLE(5)"}, or {@code "request(99)"} for codes the spec does not define. */
    static String name(final int request) {
        final String name = request > 0 && request < NAMES.length ? NAMES[request] : "request";
        return name + "(" + Integer.toUnsignedString(request) + ")";
    }
}
