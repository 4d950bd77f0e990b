package dev.sockscope.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames written down as a {@code .frames} file, in the order they cross the wire. The built-in ones (in
 * {@code dev/sockscope/conversations/PROTOCOL/}) hold every example of the seed documents: the golden decoding tests
 * decode them, the demo's simulators and scripted clients play them.
 *
 * <p>Syntax: {@code >>> client} or {@code <<< server} starts a frame, optionally followed by {@code binary} (the
 * payload is hex) or {@code close} (the payload is "CODE reason"); the lines up to the next frame are its payload.
 * Lines before the first frame are comments. For payloads that lines cannot hold as they are (a trailing newline, a
 * NUL, a record separator, a close without a code), the type may be followed by an encoding: {@code escaped} (text in
 * which {@code \\} is a backslash and {@code \xHH} a byte) or {@code base64}. Further {@code key=value} words
 * after the type are attributes that {@link Capture} reads (time, fragments) and this class ignores.
 */
public record Conversation(String name, List<ScriptedFrame> frames) {
    private static final String ROOT = "/dev/sockscope/conversations/";

    public Conversation {
        frames = List.copyOf(frames);
    }

    /** A client frame and the server frames that follow it before the next client frame. */
    public record Exchange(ScriptedFrame sent, List<ScriptedFrame> answers) {
    }

    /** A built-in conversation: {@code builtIn("max", "02-session")}. */
    public static Conversation builtIn(String protocol, String name) {
        String resource = ROOT + protocol + "/" + name + ".frames";
        try (InputStream in = Conversation.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in conversation " + resource);
            }
            return parse(protocol + "/" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in conversation " + resource, e);
        }
    }

    public static Conversation parse(String name, String text) {
        return new Conversation(name, parseFrames(text).stream().map(Parsed::frame).toList());
    }

    /** A frame of a {@code .frames} file with the {@code key=value} words of its header line. */
    record Parsed(ScriptedFrame frame, Map<String, String> attributes) {
    }

    static List<Parsed> parseFrames(String text) {
        List<Parsed> frames = new ArrayList<>();
        String[] header = null;
        StringBuilder body = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith(">>> ") || line.startsWith("<<< ")) {
                if (body != null) {
                    frames.add(frame(header, body.toString()));
                }
                header = line.substring(4).trim().split("\\s+");
                body = new StringBuilder();
            } else if (body != null) {
                body.append(body.length() == 0 ? "" : "\n").append(line);
            }
        }
        if (body != null) {
            frames.add(frame(header, body.toString()));
        }
        return frames;
    }

    private static Parsed frame(String[] words, String body) {
        Direction from = Direction.fromSender(words[0]);
        FrameType type = words.length > 1 ? FrameType.fromLabel(words[1]) : FrameType.TEXT;
        String encoding = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 2; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                attributes.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            } else if (encoding == null && (words[i].equals(ESCAPED) || words[i].equals(BASE64))) {
                encoding = words[i];
            } else {
                throw new IllegalArgumentException("not a frame encoding or key=value: '" + words[i] + "' in '"
                        + String.join(" ", words) + "'");
            }
        }
        if (ESCAPED.equals(encoding)) {
            return new Parsed(new ScriptedFrame(from, type, unescape(body)), attributes);
        }
        if (BASE64.equals(encoding)) {
            return new Parsed(new ScriptedFrame(from, type, Base64.getDecoder().decode(body.replaceAll("\\s", ""))), attributes);
        }
        return new Parsed(frame(from, type, body), attributes);
    }

    static final String ESCAPED = "escaped";
    static final String BASE64 = "base64";

    /** The bytes of an {@code escaped} payload: UTF-8 text where {@code \\} is a backslash and {@code \xHH} a byte. */
    static byte[] unescape(String body) {
        byte[] in = body.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '\\') {
                out.write(in[i]);
            } else if (i + 1 < in.length && in[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < in.length && in[i + 1] == 'x') {
                out.write(Integer.parseInt(new String(in, i + 2, 2, StandardCharsets.US_ASCII), 16));
                i += 3;
            } else {
                throw new IllegalArgumentException("a backslash in an escaped payload must start \\\\ or \\xHH: " + body);
            }
        }
        return out.toByteArray();
    }

    private static ScriptedFrame frame(Direction from, FrameType type, String body) {
        byte[] payload;
        if (type == FrameType.BINARY) {
            payload = HexFormat.of().parseHex(body.replaceAll("\\s", ""));
        } else if (type == FrameType.CLOSE) {
            String text = body.trim();
            int space = text.indexOf(' ');
            int code = Integer.parseInt(space < 0 ? text : text.substring(0, space));
            byte[] reason = space < 0 ? new byte[0] : text.substring(space + 1).getBytes(StandardCharsets.UTF_8);
            payload = new byte[2 + reason.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(reason, 0, payload, 2, reason.length);
        } else {
            payload = body.getBytes(StandardCharsets.UTF_8);
        }
        return new ScriptedFrame(from, type, payload);
    }

    /** The frames one side sends. */
    public List<ScriptedFrame> from(Direction sender) {
        return frames.stream().filter(f -> f.from() == sender).toList();
    }

    /** The server frames before the client's first frame: what a server sends as soon as a client connects. */
    public List<ScriptedFrame> opening() {
        List<ScriptedFrame> out = new ArrayList<>();
        for (ScriptedFrame f : frames) {
            if (f.from() == Direction.CLIENT_TO_SERVER) {
                break;
            }
            out.add(f);
        }
        return out;
    }

    /** Each client frame with the server frames that answered it (all that came before the next client frame). */
    public List<Exchange> exchanges() {
        List<Exchange> out = new ArrayList<>();
        ScriptedFrame sent = null;
        List<ScriptedFrame> answers = new ArrayList<>();
        for (ScriptedFrame f : frames) {
            if (f.from() == Direction.CLIENT_TO_SERVER) {
                if (sent != null) {
                    out.add(new Exchange(sent, List.copyOf(answers)));
                }
                sent = f;
                answers.clear();
            } else if (sent != null) {
                answers.add(f);
            }
        }
        if (sent != null) {
            out.add(new Exchange(sent, List.copyOf(answers)));
        }
        return out;
    }
}
