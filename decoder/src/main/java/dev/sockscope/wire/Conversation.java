package dev.sockscope.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Frames written down as a {@code .frames} file, in the order they cross the wire. The built-in ones (in
 * {@code dev/sockscope/conversations/PROTOCOL/}) hold every example of the seed documents: the golden decoding tests
 * decode them, the demo's simulators and scripted clients play them.
 *
 * <p>Syntax: {@code >>> client} or {@code <<< server} starts a frame, optionally followed by {@code binary} (the
 * payload is hex) or {@code close} (the payload is "CODE reason"); the lines up to the next frame are its payload.
 * Lines before the first frame are comments.
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
        List<ScriptedFrame> frames = new ArrayList<>();
        Direction from = null;
        FrameType type = null;
        StringBuilder body = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith(">>> ") || line.startsWith("<<< ")) {
                if (body != null) {
                    frames.add(frame(from, type, body.toString()));
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
            frames.add(frame(from, type, body.toString()));
        }
        return new Conversation(name, frames);
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
