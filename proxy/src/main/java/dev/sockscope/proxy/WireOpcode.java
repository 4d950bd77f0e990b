package dev.sockscope.proxy;

import dev.sockscope.wire.FrameType;

/** RFC 6455 opcodes the relay sees on the wire. Unknown opcodes never get this far: the parser refuses them (1002). */
public enum WireOpcode {
    CONTINUATION(0x0, null),
    TEXT(0x1, FrameType.TEXT),
    BINARY(0x2, FrameType.BINARY),
    CLOSE(0x8, FrameType.CLOSE),
    PING(0x9, FrameType.PING),
    PONG(0xA, FrameType.PONG);

    private final byte code;
    private final FrameType type;

    WireOpcode(int code, FrameType type) {
        this.code = (byte) code;
        this.type = type;
    }

    public byte code() {
        return code;
    }

    /** The recorded type this opcode starts; null for a continuation. */
    public FrameType type() {
        return type;
    }

    private static final WireOpcode[] BY_CODE = new WireOpcode[16];

    static {
        for (WireOpcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    /** Called for every frame relayed: a table lookup, not a scan of {@code values()} (which copies an array). */
    public static WireOpcode of(byte code) {
        WireOpcode o = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (o == null) {
            throw new IllegalArgumentException("unknown opcode " + code);
        }
        return o;
    }
}
