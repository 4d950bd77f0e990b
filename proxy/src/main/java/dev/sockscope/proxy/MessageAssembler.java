package dev.sockscope.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.Utf8Validator;

/**
 * Follows the frames of one direction of one session: decides whether each wire frame may be relayed
 * (size limit, UTF-8 of text) and builds the recorded message once its last fragment has arrived.
 * Fragments are relayed as they come; only the copy kept for the recording is assembled.
 * Not thread-safe: the relay calls it for one direction from one frame callback at a time. Frames come
 * out with seq 0: the session numbers them as it publishes them, so that seq order is publication order.
 */
public final class MessageAssembler {
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INVALID_PAYLOAD = 1007;

    /** What the relay does with one wire frame. */
    public sealed interface Step {
        /** Relay the frame; publish {@code completed} if it is not null. */
        record Relay(RecordedFrame completed) implements Step {
        }

        /** Do not relay; close both sides with {@code closeCode}; publish {@code refused} (marked by its note). */
        record Refuse(int closeCode, String reason, RecordedFrame refused) implements Step {
        }
    }

    private final long sessionId;
    private final Direction from;
    private final long maxMessageBytes;
    private final MicroClock clock;
    private final Utf8Validator utf8 = new Utf8Validator();

    private FrameType messageType; // non-null while a fragmented message is in progress
    private byte[] buffer = new byte[0];
    private int length;
    private int fragments;

    public MessageAssembler(long sessionId, Direction from, long maxMessageBytes, MicroClock clock) {
        this.sessionId = sessionId;
        this.from = from;
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
    }

    public Step onFrame(WireOpcode opcode, boolean fin, ByteBuffer payload) {
        if (opcode.type() != null && opcode.type().isControl()) {
            return new Step.Relay(record(opcode.type(), copy(payload), 1, null));
        }
        FrameType type = opcode == WireOpcode.CONTINUATION ? messageType : opcode.type();
        if (type == null) {
            // The parser enforces frame order, so this only happens if that guarantee is ever lost.
            return refuse(FrameType.BINARY, payload, 1002, "continuation frame without a message to continue");
        }
        if (opcode != WireOpcode.CONTINUATION) {
            startMessage(type);
        }
        fragments++;
        long total = (long) length + payload.remaining();
        if (total > maxMessageBytes) {
            return refuse(type, payload, MESSAGE_TOO_BIG,
                    "message too big: over " + maxMessageBytes + " bytes (--max-message)");
        }
        if (type == FrameType.TEXT && !(utf8.update(payload) && (!fin || utf8.isCompleteAndValid()))) {
            return refuse(type, payload, INVALID_PAYLOAD, "invalid UTF-8 in a text message");
        }
        if (fin && length == 0) {
            // The common case: one frame, one message. Copy straight out of the network buffer.
            RecordedFrame whole = record(type, copy(payload), fragments, null);
            messageType = null;
            return new Step.Relay(whole);
        }
        append(payload);
        if (!fin) {
            return new Step.Relay(null);
        }
        RecordedFrame whole = record(type, Arrays.copyOf(buffer, length), fragments, null);
        endMessage();
        return new Step.Relay(whole);
    }

    /** Whatever part of a message arrived before the session ended, for the recording; null if none. */
    public RecordedFrame unfinished(String note) {
        if (messageType == null) {
            return null;
        }
        RecordedFrame partial = record(messageType, Arrays.copyOf(buffer, length), fragments, note);
        endMessage();
        return partial;
    }

    private Step refuse(FrameType type, ByteBuffer payload, int code, String reason) {
        append(payload);
        RecordedFrame refused = record(type, Arrays.copyOf(buffer, length), Math.max(fragments, 1),
                "not relayed: " + reason);
        endMessage();
        return new Step.Refuse(code, reason, refused);
    }

    private void startMessage(FrameType type) {
        messageType = type;
        length = 0;
        fragments = 0;
        utf8.reset();
    }

    private void endMessage() {
        messageType = null;
        length = 0;
        fragments = 0;
        if (buffer.length > 1 << 20) {
            buffer = new byte[0]; // do not pin a huge buffer for the rest of the session
        }
    }

    private void append(ByteBuffer payload) {
        int n = payload.remaining();
        if (length + n > buffer.length) {
            long wanted = Math.max(length + (long) n, buffer.length * 2L);
            buffer = Arrays.copyOf(buffer, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
        }
        payload.duplicate().get(buffer, length, n);
        length += n;
    }

    private RecordedFrame record(FrameType type, byte[] bytes, int fragmentCount, String note) {
        return new RecordedFrame(sessionId, 0, clock.nowMicros(), from, type, bytes, fragmentCount, note);
    }

    private static byte[] copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }
}
