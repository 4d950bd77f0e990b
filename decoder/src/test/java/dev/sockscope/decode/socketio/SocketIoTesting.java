package dev.sockscope.decode.socketio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Conversation;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.ScriptedFrame;
import dev.sockscope.wire.SessionInfo;

/** Frames, sessions and the other protocols' traffic for the built-in decoders' unit tests. */
public final class SocketIoTesting {
    public static final SecretMasker MASKER = SecretMasker.withKey("sockscope decoder unit tests".getBytes(StandardCharsets.UTF_8));
    public static final Direction C = Direction.CLIENT_TO_SERVER;
    public static final Direction S = Direction.SERVER_TO_CLIENT;

    private SocketIoTesting() {
    }

    public static SessionInfo session(String path, String query) {
        return new SessionInfo(1, "l", "ws://u", "c", new Handshake(path, query, List.of(), 101, List.of(), null, List.of()), 0, null);
    }

    /** A session decoder with only {@code decoder} registered, chosen with --protocol. */
    public static SessionDecoder forced(dev.sockscope.decode.ProtocolDecoder decoder) {
        SessionInfo s = new SessionInfo(1, "l", "ws://u", "c", new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0,
                decoder.name());
        return ProtocolRegistry.of(List.of(decoder)).open(s, MASKER);
    }

    public static RecordedFrame text(long seq, Direction from, String text) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    public static RecordedFrame binary(long seq, Direction from, byte... bytes) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.BINARY, bytes, 1, null);
    }

    public static FrameInput input(String text) {
        return FrameInput.of(text(1, S, text));
    }

    /**
     * Every data frame of the seed protocols' conversations and of the real libraries' captures of protocols other
     * than {@code except}: what a decoder's content test must not claim.
     */
    public static List<RecordedFrame> othersFrames(String except) throws IOException {
        List<RecordedFrame> out = new ArrayList<>();
        Path main = Path.of("src/main/resources/dev/sockscope/conversations");
        Path captures = Path.of("src/test/resources/captures");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".frames")).toList()) {
                Conversation c = Conversation.parse(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
                for (ScriptedFrame sf : c.frames()) {
                    out.add(new RecordedFrame(1, out.size() + 1, 0, sf.from(), sf.type(), sf.payload(), 1, null));
                }
            }
        }
        try (Stream<Path> files = Files.walk(captures)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".frames") && !p.getParent().getFileName().toString().equals(except)).toList()) {
                out.addAll(Capture.read(f, f.getFileName().toString()).frames());
            }
        }
        return out.stream().filter(f -> !f.type().isControl()).toList();
    }
}
