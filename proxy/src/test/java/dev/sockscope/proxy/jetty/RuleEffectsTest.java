package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.RawClient;
import dev.sockscope.proxy.testing.RuleRelay;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * What each rule decision does on the wire, with Jetty's client offering permessage-deflate (so both legs compress)
 * through a real relay on port 0 to a real Jetty upstream that echoes: what the upstream and the client see, and what
 * the relay recorded (origin rule, which rule, what was done; the original of what was not sent as it came).
 */
class RuleEffectsTest {
    private static final Decision.Cause CAUSE = Decision.Cause.rule("chaos");

    private TestUpstream upstream;
    private CaptureBus bus;
    private EventRecorder events;
    private JettyRelay relay;
    private RawClient client;
    private RuleRelay fixture;
    private final Scripted rules = new Scripted();

    /** A test source: decides by the text of what the client sends (not the echo); pings too when asked. */
    static final class Scripted implements DecisionSource {
        final Map<String, Decision> byText = new ConcurrentHashMap<>();
        volatile Function<InterceptedMessage, Decision> fallback = m -> null;
        volatile boolean pings;

        @Override
        public Decision decide(InterceptedMessage message) {
            Decision d = message.from() == Direction.CLIENT_TO_SERVER ? byText.get(message.text()) : null;
            return d != null ? d : fallback.apply(message);
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public boolean wantsControlFrames() {
            return pings;
        }
    }

    @BeforeEach
    void start() throws Exception {
        events = new EventRecorder();
        fixture = RuleRelay.start(rules,
                b -> b.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT));
        upstream = fixture.upstream;
        bus = fixture.bus;
        relay = fixture.relay;
        client = RawClient.connect(fixture.clientUri(), "permessage-deflate");
        upstream.nextHandshake();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private void send(String text) throws Exception {
        client.send(new Frame(OpCode.TEXT, text));
    }

    /** The client's next message, which must be text (whole: Jetty may hand one message over in several frames). */
    private String nextText() throws InterruptedException {
        Frame f = client.nextMessage();
        assertThat(f.getOpCode()).as("the client's next message").isEqualTo(OpCode.TEXT);
        return f.getPayloadAsUTF8();
    }

    private long sessionId() {
        SessionInfo s = events.awaitOpened();
        assertThat(s.handshake().extensions()).as("both legs negotiated compression").anyMatch(e -> e.startsWith("permessage-deflate"));
        return s.id();
    }

    /** Waits until the relay has published {@code count} data frames, and returns them in order. */
    private List<RecordedFrame> recorded(int count) {
        long id = sessionId();
        await().atMost(Duration.ofSeconds(20)).until(() -> data(id).size() >= count);
        return data(id);
    }

    private List<RecordedFrame> data(long id) {
        return events.frames(id).stream().filter(f -> !f.type().isControl()).toList();
    }

    private static void assertRule(RecordedFrame f, String effect, Provenance.Delivery delivery) {
        assertThat(f.provenance()).as("provenance of %s", f.text()).isNotNull();
        assertThat(f.provenance().origin()).isEqualTo(Provenance.Origin.RULE);
        assertThat(f.provenance().by()).isEqualTo("rule chaos");
        assertThat(f.provenance().effect()).isEqualTo(effect);
        assertThat(f.provenance().delivery()).isEqualTo(delivery);
    }

    @Test
    void aDelayedMessageReachesTheUpstreamLateAndTheOneBehindItWaits() throws Exception {
        rules.byText.put("slow", new Decision.Delay(Duration.ofMillis(400), false, CAUSE));
        long sent = System.nanoTime();
        send("slow");
        send("behind");
        TestUpstream.Received first = upstream.nextFrame();
        TestUpstream.Received second = upstream.nextFrame();
        assertThat(first.text()).isEqualTo("slow");
        assertThat(second.text()).isEqualTo("behind");
        assertThat(Duration.ofNanos(first.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(second.nanoTime()).isGreaterThanOrEqualTo(first.nanoTime());
        assertThat(nextText()).isEqualTo("slow");
        assertThat(nextText()).isEqualTo("behind");

        List<RecordedFrame> data = recorded(4);
        assertRule(data.get(0), "delayed 400 ms", Provenance.Delivery.DELIVERED);
        assertThat(data.get(0).provenance().ruleSays()).isEqualTo("delayed 400 ms by rule chaos");
        assertThat(data.get(0).provenance().heldMicros()).isGreaterThanOrEqualTo(400_000);
        assertThat(data.get(1).text()).isEqualTo("behind");
        assertThat(data.subList(1, 4)).as("nothing else was touched").allMatch(f -> f.provenance() == null
                || f.provenance().origin() == Provenance.Origin.WIRE);
    }

    @Test
    void aDelayThatMayReorderLetsTheNextMessageOvertakeIt() throws Exception {
        rules.byText.put("slow", new Decision.Delay(Duration.ofMillis(300), true, CAUSE));
        send("slow");
        send("overtakes");
        send("also");
        assertThat(upstream.nextFrame().text()).isEqualTo("overtakes");
        assertThat(upstream.nextFrame().text()).isEqualTo("also");
        assertThat(upstream.nextFrame().text()).isEqualTo("slow");
        assertThat(List.of(nextText(), nextText(), nextText())).containsExactly("overtakes", "also", "slow");
        List<RecordedFrame> data = recorded(6);
        RecordedFrame slow = data.stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER && f.text().equals("slow")).findFirst().orElseThrow();
        assertRule(slow, "delayed 300 ms (others may overtake it)", Provenance.Delivery.DELIVERED);
        assertThat(data.get(0).text()).isEqualTo("overtakes");
    }

    @Test
    void aThousandDelayedMessagesWithJitterKeepTheirOrder() throws Exception {
        java.util.Random random = new java.util.Random(18);
        rules.fallback = m -> m.from() == Direction.CLIENT_TO_SERVER
                ? new Decision.Delay(Duration.ofMillis(random.nextInt(30)), false, CAUSE) : null;
        for (int i = 0; i < 1000; i++) {
            client.session.sendFrame(new Frame(OpCode.TEXT, "m" + i), org.eclipse.jetty.util.Callback.NOOP, false);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(upstream.frames.next("message " + i, Duration.ofSeconds(30)).text()).isEqualTo("m" + i);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(nextText()).isEqualTo("m" + i);
        }
        List<RecordedFrame> sent = recorded(2000).stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER).toList();
        assertThat(sent).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(sent.get(i).text()).isEqualTo("m" + i);
            assertThat(sent.get(i).provenance().effect()).startsWith("delayed ");
        }
    }

    /**
     * 5 000 messages a second for two seconds, each delayed 50 ms in order: none goes early, none is reordered, and a
     * delay counted from arrival keeps the rate (the waits do not add up). The measured waits are printed.
     */
    @Test
    void atFiveThousandMessagesASecondEachDelayedMessageWaitsItsOwnDelayFromItsArrival() throws Exception {
        rules.fallback = m -> m.from() == Direction.CLIENT_TO_SERVER ? new Decision.Delay(Duration.ofMillis(50), false, CAUSE) : null;
        int count = 10_000;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (i % 50 == 0) {
                long due = start + i * 200_000L; // 50 messages every 10 ms
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
            }
            client.session.sendFrame(new Frame(OpCode.TEXT, "m" + i), org.eclipse.jetty.util.Callback.NOOP, false);
        }
        for (int i = 0; i < count; i++) {
            assertThat(upstream.frames.next("message " + i, Duration.ofSeconds(30)).text()).isEqualTo("m" + i);
        }
        List<RecordedFrame> sent = recorded(count).stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER).limit(count).toList();
        long[] waits = sent.stream().mapToLong(f -> f.provenance().heldMicros()).sorted().toArray();
        System.out.printf("delay 50 ms in order at 5000 msg/s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                waits[count / 2] / 1000.0, waits[count * 9 / 10] / 1000.0, waits[count * 99 / 100] / 1000.0, waits[count - 1] / 1000.0);
        assertThat(waits[0]).as("no message went early").isGreaterThanOrEqualTo(50_000);
        assertThat(waits[count / 2]).as("the waits do not add up").isLessThan(150_000);
    }

    @Test
    void aDuplicatedMessageReachesTheUpstreamThreeTimes() throws Exception {
        rules.byText.put("dup", new Decision.Duplicate(2, CAUSE));
        send("dup");
        send("next");
        for (String expected : List.of("dup", "dup", "dup", "next")) {
            assertThat(upstream.nextFrame().text()).isEqualTo(expected);
            assertThat(nextText()).isEqualTo(expected);
        }
        List<RecordedFrame> data = recorded(8);
        List<RecordedFrame> up = data.stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER).toList();
        assertRule(up.get(0), "duplicated (2 copies)", Provenance.Delivery.DELIVERED);
        assertRule(up.get(1), "duplicate (copy 1 of 2)", Provenance.Delivery.DELIVERED);
        assertRule(up.get(2), "duplicate (copy 2 of 2)", Provenance.Delivery.DELIVERED);
        assertThat(up.get(3).text()).isEqualTo("next");
        assertThat(up.get(3).provenance()).isNull();
    }

    @Test
    void anAnsweredMessageNeverReachesTheUpstreamAndTheClientGetsTheStub() throws Exception {
        rules.byText.put("{\"opcode\":19}", new Decision.Answer("{\"opcode\":19,\"cmd\":1,\"stub\":true}".getBytes(StandardCharsets.UTF_8),
                FrameType.TEXT, CAUSE));
        send("{\"opcode\":19}");
        assertThat(nextText()).isEqualTo("{\"opcode\":19,\"cmd\":1,\"stub\":true}");
        send("real");
        assertThat(upstream.nextFrame().text()).as("the answered message was not forwarded").isEqualTo("real");
        assertThat(nextText()).isEqualTo("real");
        List<RecordedFrame> data = recorded(4);
        assertThat(data.get(0).text()).isEqualTo("{\"opcode\":19}");
        assertThat(data.get(0).from()).isEqualTo(Direction.CLIENT_TO_SERVER);
        assertRule(data.get(0), "not forwarded: answered instead", Provenance.Delivery.DROPPED);
        assertThat(data.get(1).from()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertRule(data.get(1), "answered instead of the upstream", Provenance.Delivery.DELIVERED);
    }

    @Test
    void aMessageInjectedAfterFollowsTheMatchedOne() throws Exception {
        rules.byText.put("first", new Decision.InjectAfter("injected".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, CAUSE));
        send("first");
        assertThat(upstream.nextFrame().text()).isEqualTo("first");
        assertThat(upstream.nextFrame().text()).isEqualTo("injected");
        assertThat(nextText()).isEqualTo("first");
        assertThat(nextText()).isEqualTo("injected");
        List<RecordedFrame> up = recorded(4).stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER).toList();
        assertRule(up.get(0), "1 message injected after it", Provenance.Delivery.DELIVERED);
        assertRule(up.get(1), "injected after the message before it", Provenance.Delivery.DELIVERED);
    }

    @Test
    void aRefragmentedMessageReachesTheUpstreamInThreeFrames() throws Exception {
        rules.byText.put("split into three frames", new Decision.Refragment(3, CAUSE));
        send("split into three frames");
        List<TestUpstream.Received> frames = List.of(upstream.nextFrame(), upstream.nextFrame(), upstream.nextFrame());
        assertThat(frames).extracting(TestUpstream.Received::opcode).containsExactly(OpCode.TEXT, OpCode.CONTINUATION, OpCode.CONTINUATION);
        assertThat(frames).extracting(TestUpstream.Received::fin).containsExactly(false, false, true);
        assertThat(frames.stream().map(TestUpstream.Received::text).reduce("", String::concat)).isEqualTo("split into three frames");
        assertThat(nextText()).as("the echo, whole").isEqualTo("split into three frames");
        send("after");
        assertThat(upstream.nextFrame().text()).isEqualTo("after");
        List<RecordedFrame> data = recorded(4);
        assertRule(data.get(0), "refragmented into 3 frames", Provenance.Delivery.DELIVERED);
        assertThat(data.get(0).fragments()).isEqualTo(3);
        assertThat(data.get(1).fragments()).as("the upstream's echo, as framed").isEqualTo(3);
    }

    @Test
    void anAbortCutsBothConnectionsWithoutACloseFrame() throws Exception {
        rules.byText.put("abort", new Decision.Abort(CAUSE));
        // Not waiting for the write: the proxy may cut the connection before the client's send has completed.
        client.session.sendFrame(new Frame(OpCode.TEXT, "abort"), org.eclipse.jetty.util.Callback.NOOP, false);
        CloseStatus seen = client.nextClose();
        assertThat(seen.getCode()).isEqualTo(1006);
        assertThat(upstream.nextClose().getCode()).isEqualTo(1006);
        long id = sessionId();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closeCode()).isNull();
        assertThat(end.error()).contains("aborted without a close frame by rule chaos");
        RecordedFrame f = data(id).get(0);
        assertRule(f, "not sent: aborted the connections", Provenance.Delivery.NOT_SENT);
        assertThat(events.frames(id)).noneMatch(x -> x.type() == FrameType.CLOSE);
    }

    @Test
    void aCloseRuleClosesBothSidesWithItsCode() throws Exception {
        rules.byText.put("history", new Decision.Close(1011, "chaos", CAUSE));
        send("history");
        CloseStatus seen = client.nextClose();
        assertThat(seen.getCode()).isEqualTo(1011);
        assertThat(seen.getReason()).isEqualTo("chaos");
        assertThat(upstream.nextClose().getCode()).isEqualTo(1011);
        long id = sessionId();
        assertThat(events.awaitClosed(id).closeCode()).isEqualTo(1011);
        assertRule(data(id).get(0), "not sent: closed the session with 1011 chaos", Provenance.Delivery.NOT_SENT);
    }

    @Test
    void theUpstreamsAnswerGoesThroughAndThenTheSessionClosesWith1011() throws Exception {
        rules.fallback = m -> m.from() == Direction.SERVER_TO_CLIENT && m.text().equals("history")
                ? new Decision.CloseAfter(1011, "chaos", CAUSE) : null;
        send("history");
        assertThat(upstream.nextFrame().text()).isEqualTo("history");
        assertThat(nextText()).as("the answer first").isEqualTo("history");
        CloseStatus seen = client.nextClose();
        assertThat(seen.getCode()).isEqualTo(1011);
        assertThat(seen.getReason()).isEqualTo("chaos");
        assertThat(upstream.nextClose().getCode()).isEqualTo(1011);
        long id = sessionId();
        assertThat(events.awaitClosed(id).closeCode()).isEqualTo(1011);
        RecordedFrame answer = data(id).stream().filter(f -> f.from() == Direction.SERVER_TO_CLIENT).findFirst().orElseThrow();
        assertRule(answer, "then closed the session with 1011 chaos", Provenance.Delivery.DELIVERED);
    }

    @Test
    void theUpstreamsAnswerGoesThroughAndThenBothConnectionsAreCut() throws Exception {
        rules.fallback = m -> m.from() == Direction.SERVER_TO_CLIENT && m.text().equals("last words")
                ? new Decision.AbortAfter(CAUSE) : null;
        send("last words");
        assertThat(upstream.nextFrame().text()).isEqualTo("last words");
        assertThat(nextText()).as("the answer first").isEqualTo("last words");
        assertThat(client.nextClose().getCode()).isEqualTo(1006);
        assertThat(upstream.nextClose().getCode()).isEqualTo(1006);
        long id = sessionId();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.error()).contains("aborted without a close frame after a message (rule chaos)");
        assertThat(events.frames(id)).noneMatch(x -> x.type() == FrameType.CLOSE);
        RecordedFrame answer = data(id).stream().filter(f -> f.from() == Direction.SERVER_TO_CLIENT).findFirst().orElseThrow();
        assertRule(answer, "then aborted the connections", Provenance.Delivery.DELIVERED);
    }

    @Test
    void aRewriteAndADelayTogetherSendTheNewTextLateAndKeepTheOriginal() throws Exception {
        rules.byText.put("{\"name\":\"Alice\"}", new Decision.All(List.of(
                new Decision.Replace("{\"name\":\"Mallory\"}".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, CAUSE),
                new Decision.Delay(Duration.ofMillis(200), false, CAUSE))));
        long sent = System.nanoTime();
        send("{\"name\":\"Alice\"}");
        TestUpstream.Received got = upstream.nextFrame();
        assertThat(got.text()).isEqualTo("{\"name\":\"Mallory\"}");
        assertThat(Duration.ofNanos(got.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(nextText()).isEqualTo("{\"name\":\"Mallory\"}");
        send("after the rewrite, compressed");
        assertThat(upstream.nextFrame().text()).isEqualTo("after the rewrite, compressed");
        assertThat(nextText()).isEqualTo("after the rewrite, compressed");
        RecordedFrame f = recorded(4).get(0);
        assertRule(f, "rewritten; delayed 200 ms", Provenance.Delivery.DELIVERED);
        assertThat(new String(f.provenance().original(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Alice\"}");
    }

    @Test
    void aStallStopsReadingTheUpstreamForItsDuration() throws Exception {
        rules.byText.put("stall", new Decision.Stall(Direction.SERVER_TO_CLIENT, Duration.ofMillis(500), CAUSE));
        long sent = System.nanoTime();
        send("stall");
        TestUpstream.Received got = upstream.nextFrame();
        assertThat(got.text()).as("the message itself goes on").isEqualTo("stall");
        assertThat(nextText()).isEqualTo("stall");
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the echo was not read for 500 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertRule(recorded(2).get(0), "stalled reading the upstream for 500 ms", Provenance.Delivery.DELIVERED);
    }

    @Test
    void aStallUntilReleasedLastsUntilTheRuleLetsGo() throws Exception {
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        rules.byText.put("hold the line", new Decision.Stall(Direction.SERVER_TO_CLIENT, null, release, CAUSE));
        send("hold the line");
        assertThat(upstream.nextFrame().text()).isEqualTo("hold the line");
        long released = System.nanoTime() + Duration.ofMillis(400).toNanos();
        java.util.concurrent.CompletableFuture.delayedExecutor(400, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> release.complete(null));
        assertThat(nextText()).isEqualTo("hold the line");
        assertThat(System.nanoTime()).as("the echo came once the stall was released").isGreaterThanOrEqualTo(released);
        assertRule(recorded(2).get(0), "stalled reading the upstream until released", Provenance.Delivery.DELIVERED);
    }

    @Test
    void aThrottleCapsWhatTheClientCanSendPerSecond() throws Exception {
        rules.byText.put("throttle", new Decision.Throttle(Direction.CLIENT_TO_SERVER, 32_000, CAUSE));
        send("throttle");
        assertThat(upstream.nextFrame().text()).isEqualTo("throttle");
        java.util.Random random = new java.util.Random(1);
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            byte[] noise = new byte[8_000]; // random: compression cannot make it smaller (and under Jetty's 8 KiB inflate step)
            random.nextBytes(noise);
            client.session.sendFrame(new Frame(OpCode.BINARY, java.nio.ByteBuffer.wrap(noise)), org.eclipse.jetty.util.Callback.NOOP, false);
        }
        TestUpstream.Received last = null;
        for (int i = 0; i < 20; i++) {
            last = upstream.frames.next("binary " + i, Duration.ofSeconds(30));
        }
        // 160 kB at 32 kB/s, of which at most one 64 KiB read goes at once: at least 2.9 s.
        assertThat(Duration.ofNanos(last.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        assertRule(recorded(1).get(0), "throttled the client to 32000 B/s", Provenance.Delivery.DELIVERED);
    }

    @Test
    void suppressedPingsNeverReachTheUpstream() throws Exception {
        rules.pings = true;
        rules.fallback = m -> m.type() == FrameType.PING ? new Decision.Drop(CAUSE) : null;
        client.send(new Frame(OpCode.PING, "heartbeat"));
        send("after the ping");
        TestUpstream.Received next = upstream.nextFrame();
        assertThat(next.opcode()).as("the ping was not forwarded").isEqualTo(OpCode.TEXT);
        assertThat(next.text()).isEqualTo("after the ping");
        assertThat(nextText()).as("and no pong came back before the echo").isEqualTo("after the ping");
        long id = sessionId();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.frames(id).stream().anyMatch(f -> f.type() == FrameType.PING));
        RecordedFrame ping = events.frames(id).stream().filter(f -> f.type() == FrameType.PING).findFirst().orElseThrow();
        assertRule(ping, "ping suppressed", Provenance.Delivery.DROPPED);
    }

    @Test
    void suppressedPongsNeverReachTheClient() throws Exception {
        rules.pings = true;
        rules.fallback = m -> m.type() == FrameType.PONG ? new Decision.Drop(CAUSE) : null;
        client.send(new Frame(OpCode.PING, "are you there"));
        send("after the ping");
        assertThat(upstream.nextFrame().opcode()).as("the ping went on").isEqualTo(OpCode.PING);
        assertThat(upstream.nextFrame().text()).isEqualTo("after the ping");
        assertThat(nextText()).as("the upstream's pong never came").isEqualTo("after the ping");
        long id = sessionId();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.frames(id).stream().anyMatch(f -> f.type() == FrameType.PONG));
        RecordedFrame pong = events.frames(id).stream().filter(f -> f.type() == FrameType.PONG).findFirst().orElseThrow();
        assertThat(pong.from()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertRule(pong, "pong suppressed", Provenance.Delivery.DROPPED);
        RecordedFrame ping = events.frames(id).stream().filter(f -> f.type() == FrameType.PING).findFirst().orElseThrow();
        assertThat(ping.provenance()).as("the ping itself was untouched").isNull();
    }

    @Test
    void aDroppedMessageIsRecordedAsDroppedByTheRule() throws Exception {
        rules.byText.put("lost push", new Decision.Drop(CAUSE));
        send("lost push");
        send("kept");
        assertThat(upstream.nextFrame().text()).isEqualTo("kept");
        assertThat(nextText()).isEqualTo("kept");
        List<RecordedFrame> data = recorded(3);
        assertRule(data.get(0), "dropped", Provenance.Delivery.DROPPED);
        assertThat(new ArrayList<>(data.subList(1, 3))).allMatch(f -> f.provenance() == null);
    }
}
