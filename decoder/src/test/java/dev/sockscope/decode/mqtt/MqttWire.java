package dev.sockscope.decode.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Trees;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * A session of MQTT frames decoded as the recorder decodes them (subprotocol {@code mqtt}, the built-in choice, masking
 * and pairing), keeping each frame's decoding, stored payload and tree (tests only).
 */
final class MqttWire {
    static final SecretMasker MASKER = SecretMasker.withKey("mqtt decoder test key, public".getBytes(StandardCharsets.UTF_8));
    static final SessionInfo SESSION = new SessionInfo(1, "", "", "",
            new Handshake("/mqtt", null, List.of(), 101, List.of(), "mqtt", List.of()), 0);

    private final SessionDecoder decoder = ProtocolRegistry.of(List.of(new MqttDecoder())).open(SESSION, MASKER);
    final List<RecordedFrame> frames = new ArrayList<>();
    final List<FrameDecoding> decodings = new ArrayList<>();
    final List<byte[]> stored = new ArrayList<>();

    FrameDecoding client(byte[]... payloads) {
        return send(Direction.CLIENT_TO_SERVER, payloads);
    }

    FrameDecoding server(byte[]... payloads) {
        return send(Direction.SERVER_TO_CLIENT, payloads);
    }

    /** Each payload as its own binary message; the last one's decoding. */
    FrameDecoding send(Direction from, byte[]... payloads) {
        FrameDecoding last = null;
        for (byte[] p : payloads) {
            last = frame(from, FrameType.BINARY, p);
        }
        return last;
    }

    FrameDecoding frame(Direction from, FrameType type, byte[] payload) {
        long seq = frames.size() + 1;
        RecordedFrame f = new RecordedFrame(1, seq, seq * 1000, from, type, payload, 1, null);
        frames.add(f);
        SessionDecoder.Step step = decoder.decode(f);
        decodings.add(step.decoding());
        stored.add(step.maskedPayload() == null ? payload : step.maskedPayload());
        return step.decoding();
    }

    /** The tree of the last frame, read again from the stored frames as the inspector does. */
    JsonNode storedTree() {
        return storedTree(frames.size() - 1);
    }

    JsonNode storedTree(int index) {
        return storedTree(index, 0);
    }

    /** The tree of frame {@code index} read again from the stored frames from {@code from} on (a window without the first). */
    JsonNode storedTree(int index, int from) {
        List<RecordedFrame> asStored = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            asStored.add(frames.get(i).withPayload(stored.get(i)));
        }
        return Trees.of(new MqttDecoder(), SESSION, asStored.subList(from, index), asStored.get(index), MASKER);
    }

    /** Every stored payload in one byte string, to search for what must not be there. */
    String storedBytes() {
        StringBuilder all = new StringBuilder();
        stored.forEach(b -> all.append(new String(b, StandardCharsets.ISO_8859_1)));
        return all.toString();
    }

    /** The bytes in single messages of {@code sizes} bytes, the last taking the rest. */
    static byte[][] split(byte[] bytes, int... sizes) {
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        for (int n : sizes) {
            out.add(java.util.Arrays.copyOfRange(bytes, pos, pos + n));
            pos += n;
        }
        if (pos < bytes.length) {
            out.add(java.util.Arrays.copyOfRange(bytes, pos, bytes.length));
        }
        return out.toArray(byte[][]::new);
    }
}
