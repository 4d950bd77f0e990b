package dev.sockscope.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A session recorded from real client and server libraries through the proxy, written down as a {@code .frames} file
 * (see {@link Conversation}) that also keeps the handshake and each frame's time, so that decoding tests can play it
 * without the libraries. The handshake is a comment line {@code #@handshake {JSON}} before the first frame; each
 * frame header may carry {@code t=MICROS} (since the first frame) and {@code fragments=N}. A capture is still a
 * conversation: {@link Conversation#parse} reads the same file and ignores what it does not know.
 *
 * @param name      where it came from, e.g. {@code socket.io/01-chat}
 * @param handshake the upgrade as recorded (credentials in headers as the recording kept them)
 * @param frames    the frames of session 1, in order, times from {@link #T0}
 */
public record Capture(String name, Handshake handshake, List<RecordedFrame> frames) {
    /** The time the first frame of a parsed capture gets, microseconds since the epoch (2025-11-23T08:00:00Z). */
    public static final long T0 = 1_763_884_800_000_000L;
    static final String HANDSHAKE = "#@handshake ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEX_LINE = 32;

    public Capture {
        frames = List.copyOf(frames);
    }

    public static Capture read(Path file, String name) throws IOException {
        return parse(name, Files.readString(file, StandardCharsets.UTF_8));
    }

    public static Capture parse(String name, String text) {
        Handshake handshake = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith(">>> ") || line.startsWith("<<< ")) {
                break;
            }
            if (line.startsWith(HANDSHAKE)) {
                try {
                    handshake = JSON.readValue(line.substring(HANDSHAKE.length()), Handshake.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("the handshake line of " + name + " is not a handshake: " + e.getOriginalMessage(), e);
                }
            }
        }
        if (handshake == null) {
            throw new IllegalArgumentException(name + " has no '" + HANDSHAKE.trim() + " {…}' line before its first frame");
        }
        List<RecordedFrame> frames = new ArrayList<>();
        for (Conversation.Parsed p : Conversation.parseFrames(text)) {
            long seq = frames.size() + 1;
            long t = Long.parseLong(p.attributes().getOrDefault("t", String.valueOf(seq * 1000)));
            int fragments = Integer.parseInt(p.attributes().getOrDefault("fragments", "1"));
            ScriptedFrame f = p.frame();
            frames.add(new RecordedFrame(1, seq, T0 + t, f.from(), f.type(), f.payload(), fragments, null));
        }
        return new Capture(name, handshake, frames);
    }

    /** The session a capture is played in: session 1, from 127.0.0.1:50000 to the proxy on 9444. */
    public SessionInfo session(String protocol) {
        return new SessionInfo(1, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000", handshake, T0, protocol);
    }

    /** The file text: {@code comments} (one per line, each prefixed with "# "), the handshake, then the frames. */
    public String render(List<String> comments) {
        StringBuilder out = new StringBuilder();
        comments.forEach(c -> out.append("# ").append(c).append('\n'));
        try {
            out.append(HANDSHAKE).append(JSON.writeValueAsString(handshake)).append('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a handshake is always JSON", e);
        }
        long start = frames.isEmpty() ? 0 : frames.get(0).timeMicros();
        for (RecordedFrame f : frames) {
            out.append(f.from() == Direction.CLIENT_TO_SERVER ? ">>> client " : "<<< server ").append(f.type().label());
            Body body = body(f.type(), f.payload());
            if (body.encoding() != null) {
                out.append(' ').append(body.encoding());
            }
            out.append(" t=").append(f.timeMicros() - start);
            if (f.fragments() != 1) {
                out.append(" fragments=").append(f.fragments());
            }
            out.append('\n').append(body.text()).append('\n');
        }
        return out.toString();
    }

    private record Body(String encoding, String text) {
    }

    /** The most readable form that reads back to exactly these bytes. */
    private static Body body(FrameType type, byte[] payload) {
        if (type == FrameType.BINARY) {
            String text = payload.length == 0 ? null : utf8(payload);
            // Lines of text sent in binary frames (STOMP from Artemis) are shown as text; anything else, as hex.
            if (text != null && text.indexOf('\n') >= 0
                    && text.chars().allMatch(c -> c >= 0x20 && c != 0x7F || c == '\n' || c == '\r' || c == '\t' || c == 0)) {
                return new Body(Conversation.ESCAPED, escape(text));
            }
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < payload.length; i += HEX_LINE) {
                hex.append(i == 0 ? "" : "\n").append(HexFormat.ofDelimiter(" ").formatHex(payload, i, Math.min(payload.length, i + HEX_LINE)));
            }
            return new Body(null, hex.toString());
        }
        if (type == FrameType.CLOSE) {
            String reason = payload.length >= 2 ? utf8(java.util.Arrays.copyOfRange(payload, 2, payload.length)) : null;
            int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
            boolean plain = reason != null && reason.equals(reason.strip()) && isPlain(reason) && !reason.contains("\n");
            return plain ? new Body(null, reason.isEmpty() ? String.valueOf(code) : code + " " + reason)
                    : new Body(Conversation.BASE64, Base64.getEncoder().encodeToString(payload));
        }
        String text = utf8(payload);
        if (text == null) {
            return new Body(Conversation.BASE64, Base64.getEncoder().encodeToString(payload));
        }
        return isPlain(text) ? new Body(null, text) : new Body(Conversation.ESCAPED, escape(text));
    }

    /**
     * Text that a {@code .frames} body holds as it is: printable lines, no newline first or last (the reader drops
     * them), no line that looks like a frame header.
     */
    private static boolean isPlain(String text) {
        return !text.startsWith("\n") && !text.endsWith("\n")
                && text.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7F) && noHeaderLine(text);
    }

    private static boolean noHeaderLine(String text) {
        return text.lines().noneMatch(l -> l.startsWith(">>> ") || l.startsWith("<<< "));
    }

    /** Backslashes doubled, control characters as \xHH; newlines stay line breaks except a first or last one. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean literal = i > 0 && i < text.length() - 1; // a newline the reader keeps as a line break
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n' && literal) {
                out.append('\n');
            } else if (c < 0x20 || c == 0x7F || lineStart && (c == '>' || c == '<')) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
            lineStart = c == '\n' && literal;
        }
        return out.toString();
    }

    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
