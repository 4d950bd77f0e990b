package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Golden pairs: a {@code .frames} input (frames as they would cross the wire) beside the {@code .expected} text of
 * their decoding. Input syntax: {@code >>> client} or {@code <<< server}, optionally followed by {@code binary}
 * (hex payload) or {@code close} (payload "CODE reason"), then the payload lines; {@code #} lines before the
 * first frame are comments.
 */
final class GoldenFrames {
    /** The fixed key golden files are masked with (a recordings folder has its own random one). */
    static final dev.sockscope.secrets.SecretMasker MASKER = dev.sockscope.secrets.SecretMasker.withKey(
            "sockscope golden test key, public".getBytes(StandardCharsets.UTF_8));
    static final long T0 = 1_763_884_800_000_000L;
    static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIiLCJpYXQiOm51bGwsImV4cCI6MTYxNDkyMzExNiwiYXVkIjoiIiwic3ViIjoiIiwiYWRtaW5faWQiOiIxIn0.G789lqmV0yUs9sKVTcpid6HK3D4zK98kum-EgWs3yiY";

    private GoldenFrames() {
    }

    static List<RecordedFrame> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<RecordedFrame> frames = new ArrayList<>();
        Direction from = null;
        FrameType type = null;
        StringBuilder body = null;
        for (String line : lines) {
            boolean header = line.startsWith(">>> ") || line.startsWith("<<< ");
            if (header) {
                if (body != null) {
                    frames.add(frame(frames.size() + 1, from, type, body));
                }
                String[] words = line.substring(4).trim().split("\\s+");
                from = Direction.fromSender(words[0]);
                type = words.length > 1 ? FrameType.fromLabel(words[1]) : FrameType.TEXT;
                body = new StringBuilder();
            } else if (body != null) {
                body.append(body.length() == 0 ? "" : "\n").append(line);
            }
        }
        if (body != null) {
            frames.add(frame(frames.size() + 1, from, type, body));
        }
        return frames;
    }

    private static RecordedFrame frame(long seq, Direction from, FrameType type, StringBuilder body) {
        byte[] payload;
        if (type == FrameType.BINARY) {
            payload = HexFormat.of().parseHex(body.toString().replaceAll("\\s", ""));
        } else if (type == FrameType.CLOSE) {
            String text = body.toString().trim();
            int space = text.indexOf(' ');
            int code = Integer.parseInt(space < 0 ? text : text.substring(0, space));
            byte[] reason = space < 0 ? new byte[0] : text.substring(space + 1).getBytes(StandardCharsets.UTF_8);
            payload = new byte[2 + reason.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(reason, 0, payload, 2, reason.length);
        } else {
            payload = body.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new RecordedFrame(1, seq, T0 + seq * 1000, from, type, payload, 1, null);
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
    static String render(SessionDecoder decoder, List<RecordedFrame> frames, SpecDecoder spec) {
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
            JsonNode tree = spec.tree(f, MASKER);
            JsonText.Parsed raw = f.type() == FrameType.TEXT ? JsonText.parse(f.payload()) : null;
            if (tree != null && raw != null && raw.ok() && !tree.equals(raw.tree())) {
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
