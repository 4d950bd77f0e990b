package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.Bytes;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.MessageDeflate;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.testing.WireClient;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;
import dev.sockscope.wire.WireShape;

/**
 * What the transparency tests share. The same bytes, sent once straight to a real Jetty echo upstream and once
 * through Sockscope, must get the client the same answer: the same bytes after the 101 (echoes, close frame and
 * code) and the same kind of TCP end. Through Sockscope the recording must also hold every frame both peers sent,
 * as they sent it, with a note on each RFC 6455 violation. This is what a user pointing the Autobahn fuzzing client
 * at Sockscope in front of an echo server expects: no case may come out differently because of the proxy.
 */
abstract class TransparencyFixture {
    /** The sample key of RFC 6455 §1.3: the same for both runs, so the Accept answers are the same too. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    /** TestUpstream as it is: whole frames, Jetty's 8 KiB permessage-deflate buffers (1009 at 8 KiB inflated). */
    static TestUpstream exact;
    /** Auto-fragmenting: inflates and deflates messages of any size, echoing them in frames of its own. */
    static TestUpstream fragmenting;

    CaptureBus bus;
    EventRecorder events;
    Relay relay;
    final AtomicLong ids = new AtomicLong(1);

    @BeforeAll
    static void upstreams() throws Exception {
        exact = TestUpstream.start();
        fragmenting = TestUpstream.start(c -> c.setAutoFragment(true));
    }

    @AfterAll
    static void stopUpstreams() throws Exception {
        exact.close();
        fragmenting.close();
    }

    @BeforeEach
    void startRelay() throws Exception {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, exact.uri()), new Route("127.0.0.1", 0, fragmenting.uri())),
                RelayOptions.defaults(), bus, ids::getAndIncrement);
    }

    @AfterEach
    void stopRelay() {
        relay.stop(Duration.ofSeconds(2));
        bus.close(Duration.ofSeconds(5));
        for (TestUpstream u : List.of(exact, fragmenting)) {
            u.frames.clear(); // large messages: keep the heap for the next case
            u.handshakes.clear();
            u.closes.clear();
        }
    }

    // ---- running the same bytes both ways ----

    /** One client's view of a session. */
    record Run(WireClient.Response response, WireClient.Received received) {
    }

    /** Both runs and the session recorded of the proxied one (a class: the tests read its fields). */
    static final class Pair {
        final Run direct;
        final Run proxied;
        final SessionInfo session;

        Pair(Run direct, Run proxied, SessionInfo session) {
            this.direct = direct;
            this.proxied = proxied;
            this.session = session;
        }

        long sessionId() {
            return session.id();
        }
    }

    /** Sends {@code script} straight to {@code upstream}, then through relay route {@code route} (which leads to it). */
    Pair bothWays(TestUpstream upstream, int route, String offer, Script script) throws Exception {
        Run direct = run(upstream.port(), offer, script);
        Run proxied = run(relay.boundRoutes().get(route).listenPort(), offer, script);
        SessionInfo session = events.awaitOpened();
        return new Pair(direct, proxied, session);
    }

    static Run run(int port, String offer, Script script) throws Exception {
        try (WireClient client = WireClient.connect("127.0.0.1", port, "/transparency", KEY, offer)) {
            assertThat(client.response().status()).as("upgrade answer on port " + port).isEqualTo(101);
            client.write(script.writes);
            return new Run(client.response(), client.awaitEnd(DEADLINE));
        }
    }

    /** The upgrade answer, every byte after it and the TCP end are the same both ways. */
    static void assertSameForTheClient(Pair runs, boolean rawBytes) {
        assertSameHandshake(runs);
        assertThat(describe(runs.proxied.received().frames())).as("frames the client got through Sockscope")
                .isEqualTo(describe(runs.direct.received().frames()));
        if (rawBytes) {
            assertThat(Bytes.summary(runs.proxied.received().bytes())).as("bytes after the 101")
                    .isEqualTo(Bytes.summary(runs.direct.received().bytes()));
        }
        assertThat(runs.proxied.received().end()).as("how the TCP connection ended").isEqualTo(runs.direct.received().end());
        assertThat(runs.direct.received().end()).as("Jetty closes TCP cleanly").isEqualTo(WireClient.End.EOF);
    }

    /**
     * With an auto-fragmenting upstream the echo's framing follows how the bytes arrived (Jetty echoes partial
     * frames as they come), which the proxy's reads change as TCP would: the messages, close and TCP end are what
     * must be the same.
     */
    static void assertSameMessagesForTheClient(Pair runs, boolean serverNoContextTakeover) {
        assertSameHandshake(runs);
        assertThat(messages(runs.proxied.received().frames(), true, serverNoContextTakeover))
                .as("messages the client got through Sockscope")
                .isEqualTo(messages(runs.direct.received().frames(), true, serverNoContextTakeover));
        assertThat(runs.proxied.received().end()).as("how the TCP connection ended").isEqualTo(runs.direct.received().end());
        assertThat(runs.direct.received().end()).isEqualTo(WireClient.End.EOF);
    }

    static void assertSameHandshake(Pair runs) {
        assertThat(runs.proxied.response().statusLine()).isEqualTo(runs.direct.response().statusLine());
        assertThat(headerLines(runs.proxied.response())).as("the 101's headers through Sockscope")
                .containsExactlyInAnyOrderElementsOf(headerLines(runs.direct.response()));
        // The recording says what was negotiated: the upstream's answer, which the client got as it was.
        assertThat(runs.session.handshake().status()).isEqualTo(101);
        String extensions = runs.direct.response().header("Sec-WebSocket-Extensions");
        assertThat(runs.session.handshake().extensions()).as("extensions in the recording")
                .isEqualTo(extensions == null ? List.of() : List.of(extensions));
    }

    /** The headers, Date's value left out: the two runs may fall in different seconds. */
    private static List<String> headerLines(WireClient.Response response) {
        return response.headers().stream().map(h -> h[0].toLowerCase(Locale.ROOT) + ": "
                + (h[0].equalsIgnoreCase("Date") ? "(a date)" : h[1])).toList();
    }

    /** The upstream echoed every message of the script, in order, then answered the close with 1000. */
    static void assertEchoedEveryMessage(Run run, Script script, boolean serverNoContextTakeover) {
        List<String> sent = new ArrayList<>();
        for (Expected e : script.expected()) {
            sent.add(e.type + " " + (e.type == FrameType.CLOSE ? closeText(e.payload) : Bytes.summary(e.payload)));
        }
        List<String> got = messages(run.received().frames(), true, serverNoContextTakeover);
        assertThat(got).as("echoes of everything sent, then the close answer").isEqualTo(sent);
    }

    // ---- what the recording must hold ----

    void assertRecorded(Pair runs, Script script, boolean deflate, boolean serverNoContextTakeover) {
        SessionEnd end = events.awaitClosed(runs.sessionId());
        List<RecordedFrame> recorded = events.frames(runs.sessionId());

        List<Expected> fromClient = new ArrayList<>(script.expected());
        List<WireFrames.Frame> fromServer = runs.proxied.received().frames();
        if (!script.hasClose) {
            // The client answered the server's close with the same code.
            WireFrames.Frame serverClose = fromServer.stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow();
            byte[] code = Arrays.copyOf(serverClose.payload(), Math.min(2, serverClose.payload().length));
            fromClient.add(new Expected(FrameType.CLOSE, code, 1, new WireShape(0x8, 0, code.length, code.length, false, true), null));
        }
        assertFrames(recorded, Direction.CLIENT_TO_SERVER, fromClient);
        assertFrames(recorded, Direction.SERVER_TO_CLIENT, expectedFrom(fromServer, deflate, serverNoContextTakeover));

        WireFrames.Frame firstClose = script.hasClose
                ? WireFrames.parse(script.bytes()).stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow()
                : fromServer.stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow();
        assertThat(end.closedBy()).as("who closed first").isEqualTo(script.hasClose ? ClosedBy.CLIENT : ClosedBy.SERVER);
        assertThat(end.closeCode()).isEqualTo(firstClose.closeCode() < 0 ? null : firstClose.closeCode());
    }

    static void assertFrames(List<RecordedFrame> recorded, Direction from, List<Expected> expected) {
        List<RecordedFrame> got = recorded.stream().filter(f -> f.from() == from).toList();
        List<String> gotLines = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            RecordedFrame f = got.get(i);
            Expected e = i < expected.size() ? expected.get(i) : null;
            gotLines.add(f.type() + " " + (e != null && e.payload == null ? "?" : Bytes.summary(f.payload()))
                    + " fragments=" + f.fragments() + " " + (e != null && e.wire == null ? "?" : String.valueOf(f.wire())));
        }
        assertThat(gotLines).as("recorded " + from).isEqualTo(expected.stream().map(Expected::describe).toList());
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            RecordedFrame f = got.get(i);
            if (e.note == null) {
                assertThat(f.note()).as("note of recorded " + from + " #" + i).isNull();
            } else {
                assertThat(f.note()).as("note of recorded " + from + " #" + i).contains(e.note);
            }
        }
    }

    /** What the tap must record of frames a peer sent: messages reassembled and inflated, control frames each. */
    static List<Expected> expectedFrom(List<WireFrames.Frame> frames, boolean deflate, boolean noContextTakeover) {
        MessageDeflate.Decompressor inflater = new MessageDeflate.Decompressor(noContextTakeover);
        List<Expected> out = new ArrayList<>();
        List<WireFrames.Frame> message = new ArrayList<>();
        for (WireFrames.Frame f : frames) {
            boolean reserved = (f.opcode() >= 0x3 && f.opcode() <= 0x7) || f.opcode() >= 0xB;
            if (f.control() || reserved) {
                FrameType type = switch (f.opcode()) {
                    case 0x8 -> FrameType.CLOSE;
                    case 0x9 -> FrameType.PING;
                    case 0xA -> FrameType.PONG;
                    default -> FrameType.BINARY;
                };
                out.add(new Expected(type, f.payload(), 1,
                        new WireShape(f.opcode(), f.rsv(), f.payload().length, f.payload().length, false, f.masked()), null));
                continue;
            }
            message.add(f);
            if (!f.fin()) {
                continue;
            }
            WireFrames.Frame first = message.get(0);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            message.forEach(m -> wire.writeBytes(m.payload()));
            boolean compressed = deflate && (first.rsv() & 4) != 0 && first.opcode() != 0;
            byte[] payload = compressed ? inflater.decompress(wire.toByteArray()) : wire.toByteArray();
            boolean text = first.opcode() == 0x1;
            out.add(new Expected(text ? FrameType.TEXT : FrameType.BINARY, payload, message.size(),
                    new WireShape(first.opcode(), first.rsv(), wire.size(), payload.length, compressed, first.masked()),
                    text && !validUtf8(payload) ? "invalid UTF-8 in a text message" : null));
            message.clear();
        }
        if (!message.isEmpty()) {
            // A message still open when the connection closed is recorded for what it holds, saying so.
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            message.forEach(m -> wire.writeBytes(m.payload()));
            WireFrames.Frame first = message.get(0);
            boolean compressed = deflate && (first.rsv() & 4) != 0 && first.opcode() != 0;
            out.add(new Expected(first.opcode() == 0x1 ? FrameType.TEXT : FrameType.BINARY, compressed ? null : wire.toByteArray(),
                    message.size(), compressed ? null : new WireShape(first.opcode(), first.rsv(), wire.size(), wire.size(), false,
                    first.masked()), "incomplete"));
        }
        return out;
    }

    /** The messages in {@code frames} as comparable lines: type and inflated payload, close frames with their payload. */
    static List<String> messages(List<WireFrames.Frame> frames, boolean deflate, boolean noContextTakeover) {
        return expectedFrom(frames, deflate, noContextTakeover).stream()
                .map(e -> e.type + " " + (e.type == FrameType.CLOSE ? closeText(e.payload)
                        : e.payload == null ? "?" : Bytes.summary(e.payload)))
                .toList();
    }

    private static String closeText(byte[] payload) {
        return payload.length < 2 ? "(no code)" : (((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)) + " "
                + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private static List<String> describe(List<WireFrames.Frame> frames) {
        return frames.stream().map(WireFrames.Frame::toString).toList();
    }

    /** A recorded frame as the test expects it; {@code note} is a part the note must hold, or null for no note. */
    static final class Expected {
        final FrameType type;
        final byte[] payload;
        final int fragments;
        final WireShape wire;
        final String note;

        Expected(FrameType type, byte[] payload, int fragments, WireShape wire, String note) {
            this.type = type;
            this.payload = payload;
            this.fragments = fragments;
            this.wire = wire;
            this.note = note;
        }

        Expected withNote(String other) {
            return new Expected(type, payload, fragments, wire, other);
        }

        String describe() {
            return type + " " + (payload == null ? "?" : Bytes.summary(payload)) + " fragments=" + fragments + " "
                    + (wire == null ? "?" : String.valueOf(wire));
        }
    }

    /**
     * What the client sends: frames (masked with keys from a fixed seed, so both runs send the same bytes),
     * how they are cut into writes, and what the recording must say about each.
     */
    static final class Script {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Expected> expected = new ArrayList<>();
        private final Random masks = new Random(6455);
        private List<byte[]> writes;
        private MessageDeflate.Compressor compressor;
        private boolean hasClose;

        /** From now on messages may be compressed (permessage-deflate negotiated). */
        Script deflate(boolean noContextTakeover) {
            compressor = new MessageDeflate.Compressor(Deflater.BEST_SPEED, noContextTakeover);
            return this;
        }

        /**
         * One frame as given, recorded on its own (a fragment without its message is recorded as an unfinished
         * message); {@code note}: what the recording must say about it (null: nothing).
         */
        Script frame(boolean fin, int rsv, int opcode, byte[] payload, String note) {
            return frame(fin, rsv, opcode, payload, true, note);
        }

        Script frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, String note) {
            byte[] frame = WireFrames.frame(fin, rsv, opcode, payload, masked ? mask() : null);
            bytes.writeBytes(frame);
            if (opcode == 0x8) {
                hasClose = true;
            }
            FrameType type = switch (opcode) {
                case 0x1 -> FrameType.TEXT;
                case 0x8 -> FrameType.CLOSE;
                case 0x9 -> FrameType.PING;
                case 0xA -> FrameType.PONG;
                default -> FrameType.BINARY;
            };
            expected.add(new Expected(type, payload, 1,
                    new WireShape(opcode, rsv, payload.length, payload.length, false, masked), note));
            return this;
        }

        /** A data message, compressed when asked, its payload cut into frames of {@code fragment} bytes (0: one frame). */
        Script message(int opcode, byte[] data, int fragment, boolean compress) {
            byte[] wire = compress ? compressor.compress(data) : data;
            int frames = 0;
            int at = 0;
            do {
                int n = fragment == 0 ? wire.length : Math.min(fragment, wire.length - at);
                boolean first = at == 0;
                boolean fin = at + n == wire.length;
                bytes.writeBytes(WireFrames.frame(fin, first && compress ? 4 : 0, first ? opcode : 0x0,
                        Arrays.copyOfRange(wire, at, at + n), mask()));
                at += n;
                frames++;
            } while (at < wire.length);
            expected.add(new Expected(opcode == 0x1 ? FrameType.TEXT : FrameType.BINARY, data, frames,
                    new WireShape(opcode, compress ? 4 : 0, wire.length, data.length, compress, true), null));
            return this;
        }

        /**
         * The last {@code frames} frames given with {@link #frame} are one message to the tap: they are expected
         * as one record. A null {@code payload} or {@code wire} is not checked (what the tap makes of data it
         * cannot inflate is its own business; the note is what matters).
         */
        Script expectOneMessage(int frames, FrameType type, byte[] payload, WireShape wire, String note) {
            for (int i = 0; i < frames; i++) {
                expected.remove(expected.size() - 1);
            }
            expected.add(new Expected(type, payload, frames, wire, note));
            return this;
        }

        /** Bytes as they are; what the recording must hold of them is the test's to say. */
        Script raw(byte[] wire) {
            bytes.writeBytes(wire);
            return this;
        }

        Script close(int code) {
            return frame(true, 0, 0x8, WireFrames.closePayload(code, ""), null);
        }

        /** Everything in one write. */
        Script oneWrite() {
            writes = List.of(bytes.toByteArray());
            return this;
        }

        /** One write (and flush) per byte. */
        Script byteByByte() {
            byte[] all = bytes.toByteArray();
            writes = new ArrayList<>();
            for (byte b : all) {
                writes.add(new byte[] {b});
            }
            return this;
        }

        Script inWritesOf(int size) {
            byte[] all = bytes.toByteArray();
            writes = new ArrayList<>();
            for (int at = 0; at < all.length; at += size) {
                writes.add(Arrays.copyOfRange(all, at, Math.min(all.length, at + size)));
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        /** The data messages and control frames the recording must hold, close included, in order. */
        List<Expected> expected() {
            return List.copyOf(expected);
        }

        private byte[] mask() {
            byte[] m = new byte[4];
            masks.nextBytes(m);
            return m;
        }
    }


    // ---- payloads ----

    /** JSON-like text that compresses well, exactly {@code size} bytes of ASCII. */
    static byte[] compressible(int size, int seed) {
        StringBuilder s = new StringBuilder(size + 128);
        Random r = new Random(seed);
        String[] users = {"alice", "bob", "carol", "dave"};
        for (int i = 0; s.length() < size; i++) {
            s.append("{\"seq\":").append(i).append(",\"user\":\"").append(users[r.nextInt(users.length)])
                    .append("\",\"text\":\"the quick brown fox jumps over the lazy dog\",\"ok\":true}\n");
        }
        return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes from a fixed seed: as good as incompressible. */
    static byte[] random(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
