package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.Conversation;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.ScriptedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Golden pairs: a conversation ({@code src/main/resources/dev/sockscope/conversations/PROTOCOL/CASE.frames}, frames as
 * they would cross the wire, see {@link Conversation}) beside the text of its expected decoding
 * ({@code src/test/resources/golden/PROTOCOL/CASE.expected}). The conversations live in main resources because the
 * demo's simulators play them too.
 */
final class GoldenFrames {
    static final Path CONVERSATIONS = Path.of("src/main/resources/dev/sockscope/conversations");
    static final Path EXPECTED = Path.of("src/test/resources/golden");
    /** The fixed key golden files are masked with (a recordings folder has its own random one). */
    static final dev.sockscope.secrets.SecretMasker MASKER = dev.sockscope.secrets.SecretMasker.withKey(
            "sockscope golden test key, public".getBytes(StandardCharsets.UTF_8));
    static final long T0 = 1_763_884_800_000_000L;
    static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIiLCJpYXQiOm51bGwsImV4cCI6MTYxNDkyMzExNiwiYXVkIjoiIiwic3ViIjoiIiwiYWRtaW5faWQiOiIxIn0.G789lqmV0yUs9sKVTcpid6HK3D4zK98kum-EgWs3yiY";

    private GoldenFrames() {
    }

    /** A {@code .frames} file as recorded frames of session 1, one millisecond apart. */
    static List<RecordedFrame> read(Path file) throws IOException {
        Conversation c = Conversation.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        List<RecordedFrame> frames = new ArrayList<>();
        for (ScriptedFrame f : c.frames()) {
            long seq = frames.size() + 1;
            frames.add(new RecordedFrame(1, seq, T0 + seq * 1000, f.from(), f.type(), f.payload(), 1, null));
        }
        return frames;
    }

    /** The session a golden case runs in: the protocol forced by name, with a handshake each seed documents. */
    static SessionInfo session(String protocol) {
        List<Header> headers = new ArrayList<>();
        String path = "/ws";
        String query = null;
        switch (protocol) {
            case "event-chat" -> {
                query = "sid=2";
                headers.add(new Header("Sec-WebSocket-Protocol", "access_token, " + JWT));
            }
            case "maim" -> {
                headers.add(new Header("platform", "my_platform"));
                headers.add(new Header("authorization", "optional_auth_token"));
            }
            case "zavodchat" -> {
                path = "/";
                query = "status=2";
                headers.add(new Header("Cookie", "zavodchat_token=3c3beb77-b54a-4733-8c5d-acd7b2680241"));
            }
            case "max" -> path = "/websocket";
            default -> path = "/";
        }
        Handshake h = new Handshake(path, query, headers, 101, List.of(), null, List.of());
        return new SessionInfo(1, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000", h, T0, protocol);
    }

    /** The text a golden {@code .expected} file holds for a decoded session. */
    static String render(SessionDecoder decoder, List<RecordedFrame> frames, ProtocolDecoder protocol) {
        StringBuilder out = new StringBuilder();
        ProtocolChoice choice = decoder.opened();
        out.append("protocol: ").append(choice.protocol()).append(" (").append(choice.reason()).append(")\n");
        out.append("handshake: ").append(choice.handshake()).append('\n');
        for (RecordedFrame f : frames) {
            SessionDecoder.Step step = decoder.decode(f);
            FrameDecoding d = step.decoding();
            out.append('\n').append('#').append(f.seq()).append(' ').append(f.from().sender()).append(' ').append(f.type().label())
                    .append("  ").append(d.protocol()).append(" · ").append(d.label()).append("  [").append(d.kind().label()).append("]\n");
            out.append("   summary: ").append(d.summary()).append('\n');
            if (d.correlatesWith() != null) {
                out.append("   answers: #").append(d.correlatesWith()).append(" after ")
                        .append(String.format(java.util.Locale.ROOT, "%.3f ms", d.latencyMicros() / 1000.0)).append('\n');
            }
            JsonNode tree = Trees.standalone(protocol, session(protocol.name()), f, MASKER);
            JsonText.Parsed raw = f.type() == FrameType.TEXT ? JsonText.parse(f.payload()) : null;
            if (tree != null && raw instanceof JsonText.Ok ok && !tree.equals(ok.tree())) {
                out.append("   tree: ").append(tree).append('\n');
            }
            if (step.maskedPayload() != null) {
                out.append("   stored: ").append(new String(step.maskedPayload(), StandardCharsets.UTF_8).replace("\n", "\\n")).append('\n');
            }
            for (Warning w : d.warnings()) {
                out.append("   warning: ").append(w.text()).append('\n');
            }
        }
        List<Long> unanswered = decoder.unanswered();
        if (!unanswered.isEmpty()) {
            out.append("\nunanswered: ");
            unanswered.forEach(s -> out.append('#').append(s).append(' '));
            out.setLength(out.length() - 1);
            out.append('\n');
        }
        return out.toString();
    }
}
