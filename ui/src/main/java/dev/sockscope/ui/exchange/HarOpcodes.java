package dev.sockscope.ui.exchange;

import java.util.Optional;

import dev.sockscope.wire.FrameType;

/** RFC 6455 opcodes as HAR's {@code _webSocketMessages} carry them. */
final class HarOpcodes {
    private HarOpcodes() {
    }

    static int of(FrameType type) {
        return switch (type) {
            case TEXT -> 1;
            case BINARY -> 2;
            case CLOSE -> 8;
            case PING -> 9;
            case PONG -> 10;
        };
    }

    static Optional<FrameType> type(int opcode) {
        return Optional.ofNullable(switch (opcode) {
            case 1 -> FrameType.TEXT;
            case 2 -> FrameType.BINARY;
            case 8 -> FrameType.CLOSE;
            case 9 -> FrameType.PING;
            case 10 -> FrameType.PONG;
            default -> null;
        });
    }
}
