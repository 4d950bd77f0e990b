package dev.sockscope.proxy.tap;

import static dev.sockscope.proxy.testing.WireFrames.concat;
import static dev.sockscope.proxy.testing.WireFrames.frame;
import static dev.sockscope.proxy.testing.WireFrames.text;
import static dev.sockscope.wire.Direction.CLIENT_TO_SERVER;
import static dev.sockscope.wire.Direction.SERVER_TO_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.HeldMessage;
import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.MessageDeflate;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * A pass-through session with an intercept point, without sockets: what the core writes for each read, hold, release
 * and injection, byte for byte; and, with permessage-deflate under context takeover, that after an edit the receiver
 * inflates every later message right with the history it has.
 */
class InterceptedSessionTest {
    private CaptureBus bus;
    private EventRecorder events;
    private PassThroughSessionTest.Fake net;
    private InterceptPoint intercept;
    private PassThroughSession session;

    @BeforeEach
    void start() {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        net = new PassThroughSessionTest.Fake();
        intercept = InterceptPoint.withoutLabels();
        open(NegotiatedExtensions.NONE);
    }

    private void open(NegotiatedExtensions extensions) {
        session = new PassThroughSession(1, extensions, 1 << 20, MessageBudget.unlimited(), bus, new MicroClock(), net, s -> { },
                intercept, new SessionFacts(1, "127.0.0.1:1", "ws://up", null, null));
    }

    @AfterEach
    void stop() {
        bus.close(Duration.ofSeconds(5));
    }

    private void read(Direction d, byte[] bytes) {
        ByteBuffer[] out = session.onRead(d, ByteBuffer.wrap(bytes));
        if (out.length > 0) {
            net.write(d, out, failure -> session.written(d, failure));
        }
    }

    private Breakpoint hold(Direction from, String text) {
        return intercept.addBreakpoint(new Breakpoint(0, null, null, from, null, null, null, null, text, null, null, null, false));
    }

    private List<String> texts(Direction d) {
        List<String> out = new ArrayList<>();
        for (WireFrames.Frame f : WireFrames.parse(net.delivered(d))) {
            out.add(f.opcode() + ":" + new String(f.payload(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void whileABreakpointIsSetUntouchedFramesGoAsTheyCameWhateverTheReads() {
        hold(CLIENT_TO_SERVER, "never matches this");
        byte[] wire = concat(frame(false, 0, 1, true, "frag".getBytes()), frame(true, 0, 9, true, "ping".getBytes()),
                frame(true, 0, 0, true, "mented".getBytes()), text(true, "whole"), frame(true, 0, 2, true, new byte[300]));
        for (int at = 0; at < wire.length; at += 7) {
            read(CLIENT_TO_SERVER, java.util.Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 7)));
        }
        assertThat(net.delivered(CLIENT_TO_SERVER)).isEqualTo(wireReordered(wire));
    }

    /** A ping inside a fragmented message goes as soon as it is read: before the message, which goes when whole. */
    private static byte[] wireReordered(byte[] wire) {
        List<WireFrames.Frame> frames = WireFrames.parse(wire);
        int at = 0;
        byte[][] parts = new byte[frames.size()][];
        for (int i = 0; i < frames.size(); i++) {
            parts[i] = java.util.Arrays.copyOfRange(wire, at, at + frames.get(i).wireLength());
            at += frames.get(i).wireLength();
        }
        return concat(parts[1], parts[0], parts[2], parts[3], parts[4]);
    }

    @Test
    void aHeldMessageHoldsItsDirectionOnlyPingsPassAndWhatQueuedFollowsInOrder() {
        hold(CLIENT_TO_SERVER, "LOGIN");
        read(CLIENT_TO_SERVER, concat(text(true, "hello"), text(true, "LOGIN 1"), text(true, "after")));
        read(CLIENT_TO_SERVER, frame(true, 0, 9, true, "keepalive".getBytes()));
        read(SERVER_TO_CLIENT, text(false, "welcome"));
        assertThat(texts(CLIENT_TO_SERVER)).containsExactly("1:hello", "9:keepalive");
        assertThat(texts(SERVER_TO_CLIENT)).containsExactly("1:welcome");

        HeldMessage held = intercept.held().get(0);
        assertThat(held.queuedBehind()).isEqualTo(1);
        intercept.release(held.id(), new Decision.Replace("LOGIN 2".getBytes(StandardCharsets.UTF_8), FrameType.TEXT));
        assertThat(texts(CLIENT_TO_SERVER)).containsExactly("1:hello", "9:keepalive", "1:LOGIN 2", "1:after");
        List<WireFrames.Frame> sent = WireFrames.parse(net.delivered(CLIENT_TO_SERVER));
        assertThat(sent).as("frames the proxy builds toward the upstream are masked").allMatch(WireFrames.Frame::masked);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.frames(1).size() == 5);
        List<RecordedFrame> frames = events.frames(1);
        RecordedFrame edited = frames.stream().filter(f -> f.text().equals("LOGIN 2")).findFirst().orElseThrow();
        assertThat(edited.provenance().origin()).isEqualTo(Provenance.Origin.USER_EDITED);
        assertThat(new String(edited.provenance().original(), StandardCharsets.UTF_8)).isEqualTo("LOGIN 1");
        assertThat(frames.stream().filter(f -> f.text().equals("after")).findFirst().orElseThrow().provenance()).isNull();
    }

    @Test
    void anInjectionWaitsForTheEndOfAMessageInProgressAndIsRecordedAsInjected() throws Exception {
        read(CLIENT_TO_SERVER, frame(false, 0, 1, true, "first half ".getBytes()));
        CompletableFuture<Long> seq = session.inject(CLIENT_TO_SERVER, new Injection.Message(FrameType.TEXT, "INJECTED".getBytes()));
        assertThat(seq).isNotDone();
        read(CLIENT_TO_SERVER, frame(true, 0, 0, true, "second half".getBytes()));
        assertThat(seq.get()).isPositive();
        assertThat(texts(CLIENT_TO_SERVER)).containsExactly("1:first half ", "0:second half", "1:INJECTED");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.frames(1).size() == 2);
        assertThat(events.frames(1).stream().filter(f -> f.seq() == seq.join()).findFirst().orElseThrow().provenance())
                .isEqualTo(Provenance.INJECTED);
        // Nothing held or set: the direction goes back to plain pass-through, as read.
        byte[] later = text(true, "later");
        read(CLIENT_TO_SERVER, later);
        assertThat(java.util.Arrays.copyOfRange(net.delivered(CLIENT_TO_SERVER), net.delivered(CLIENT_TO_SERVER).length - later.length,
                net.delivered(CLIENT_TO_SERVER).length)).isEqualTo(later);
    }

    @Test
    void afterAnEditUnderContextTakeoverTheReceiverInflatesEveryLaterMessageWithTheHistoryItHas() {
        open(NegotiatedExtensions.parse(List.of("permessage-deflate")));
        MessageDeflate.Compressor sender = new MessageDeflate.Compressor(6, false);
        MessageDeflate.Decompressor receiver = new MessageDeflate.Decompressor(false);
        hold(SERVER_TO_CLIENT, "EDIT");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String message = (i == 10 ? "EDIT " : "") + "chat message number " + i + " about the room and the token ".repeat(1 + i % 7);
            sent.add(message);
            read(SERVER_TO_CLIENT, frame(true, 4, 1, false, sender.compress(message.getBytes(StandardCharsets.UTF_8))));
            if (i == 10) {
                intercept.release(intercept.held().get(0).id(), new Decision.Replace("edited".getBytes(StandardCharsets.UTF_8), FrameType.TEXT));
                sent.set(10, "edited");
            }
        }
        List<String> inflated = new ArrayList<>();
        for (WireFrames.Frame f : WireFrames.parse(net.delivered(SERVER_TO_CLIENT))) {
            inflated.add(new String((f.rsv() & 4) != 0 ? receiver.decompress(f.payload()) : f.payload(), StandardCharsets.UTF_8));
        }
        assertThat(inflated).isEqualTo(sent);
    }
}
