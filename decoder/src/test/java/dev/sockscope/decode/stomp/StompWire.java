package dev.sockscope.decode.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Trees;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/** A STOMP session decoded as the recorder decodes it, keeping each frame's decoding and stored payload (tests only). */
final class StompWire {
    static final SecretMasker MASKER = SecretMasker.withKey("stomp decoder test key, public".getBytes(StandardCharsets.UTF_8));

    final SessionInfo session;
    private final SessionDecoder decoder;
    final List<RecordedFrame> frames = new ArrayList<>();
    final List<FrameDecoding> decodings = new ArrayList<>();
    final List<byte[]> stored = new ArrayList<>();
    ProtocolChoice chosen;

    /** {@code subprotocol} null: chosen by content. */
    StompWire(String subprotocol) {
        session = new SessionInfo(1, "", "", "", new Handshake("/stomp", null, List.of(), 101, List.of(), subprotocol, List.of()), 0);
        decoder = ProtocolRegistry.of(List.of(new StompDecoder())).open(session, MASKER);
        chosen = decoder.opened();
    }

    FrameDecoding client(String text) {
        return frame(Direction.CLIENT_TO_SERVER, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    FrameDecoding server(String text) {
        return frame(Direction.SERVER_TO_CLIENT, FrameType.BINARY, text.getBytes(StandardCharsets.UTF_8));
    }

    FrameDecoding frame(Direction from, FrameType type, byte[] payload) {
        long seq = frames.size() + 1;
        RecordedFrame f = new RecordedFrame(1, seq, seq * 1000, from, type, payload, 1, null);
        frames.add(f);
        SessionDecoder.Step step = decoder.decode(f);
        if (step.chosen() != null) {
            chosen = step.chosen();
        }
        decodings.add(step.decoding());
        stored.add(step.maskedPayload() == null ? payload : step.maskedPayload());
        return step.decoding();
    }

    String stored(int index) {
        return new String(stored.get(index), StandardCharsets.UTF_8);
    }

    /** The tree of a frame, read again from the stored frames as the inspector does. */
    JsonNode storedTree(int index) {
        List<RecordedFrame> asStored = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            asStored.add(frames.get(i).withPayload(stored.get(i)));
        }
        return Trees.of(new StompDecoder(), session, asStored.subList(0, index), asStored.get(index), MASKER);
    }
}
