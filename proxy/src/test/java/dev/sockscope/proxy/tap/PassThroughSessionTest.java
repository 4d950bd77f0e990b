package dev.sockscope.proxy.tap;

import static dev.sockscope.proxy.testing.WireFrames.close;
import static dev.sockscope.proxy.testing.WireFrames.concat;
import static dev.sockscope.proxy.testing.WireFrames.frame;
import static dev.sockscope.proxy.testing.WireFrames.text;
import static dev.sockscope.wire.Direction.CLIENT_TO_SERVER;
import static dev.sockscope.wire.Direction.SERVER_TO_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * The pass-through core without sockets (Playbook style): reads, writes and closes go in, the commands it
 * gives come out. The failure table of docs/relay.md is {@link #howSessionsEnd}.
 */
class PassThroughSessionTest {
    private CaptureBus bus;
    private EventRecorder events;
    private Fake net;
    private PassThroughSession session;

    @BeforeEach
    void start() {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        net = new Fake();
        session = new PassThroughSession(1, NegotiatedExtensions.NONE, 1 << 20, MessageBudget.unlimited(), bus, new MicroClock(),
                net, s -> net.log.add("ended"));
    }

    @AfterEach
    void stop() {
        bus.close(Duration.ofSeconds(5));
    }

    /** What the network did and was told: a log of commands and the bytes each receiver got. */
    static final class Fake implements Sockets {
        final List<String> log = new ArrayList<>();
        final Map<Direction, ByteArrayOutputStream> delivered = new EnumMap<>(Direction.class);
        final List<Runnable> timers = new ArrayList<>();
        final List<Completion> held = new ArrayList<>();
        Throwable failWrites;
        Direction holdWritesOf;

        @Override
        public void write(Direction direction, ByteBuffer[] bytes, Completion done) {
            log.add("write " + direction.sender());
            for (ByteBuffer b : bytes) {
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                delivered.computeIfAbsent(direction, d -> new ByteArrayOutputStream()).writeBytes(copy);
            }
            if (direction == holdWritesOf) {
                held.add(done); // a receiver that stopped reading: the write never completes
                return;
            }
            done.completed(failWrites);
        }

        @Override
        public void shutdownOutput(Direction direction) {
            log.add("fin " + direction.sender());
        }

        @Override
        public void closeBoth() {
            log.add("close both");
        }

        @Override
        public void schedule(Duration delay, Runnable task) {
            timers.add(task);
        }

        byte[] delivered(Direction d) {
            return delivered.containsKey(d) ? delivered.get(d).toByteArray() : new byte[0];
        }
    }

    /** Reads {@code bytes} from the sender of {@code d} and performs the write the core asks for, as the adapter does. */
    private static void read(PassThroughSession session, Fake net, Direction d, byte[] bytes) {
        ByteBuffer[] out = session.onRead(d, ByteBuffer.wrap(bytes));
        if (out.length > 0) {
            net.write(d, out, failure -> session.written(d, failure));
        }
    }

    record Scenario(String name, Consumer<Driver> script, ClosedBy by, Integer code, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Driver(PassThroughSession session, Fake net) {
        void client(byte[] bytes) {
            read(session, net, CLIENT_TO_SERVER, bytes);
        }

        void server(byte[] bytes) {
            read(session, net, SERVER_TO_CLIENT, bytes);
        }
    }

    static Stream<Scenario> howSessionsEnd() {
        return Stream.of(
                new Scenario("the client closes, the upstream answers", d -> {
                    d.client(close(true, 4000, "switching rooms"));
                    d.server(close(false, 4000, "switching rooms"));
                    d.session().onEof(SERVER_TO_CLIENT);
                    d.session().onEof(CLIENT_TO_SERVER);
                }, ClosedBy.CLIENT, 4000, null),
                new Scenario("the upstream closes, the client answers", d -> {
                    d.server(close(false, 1008, "Invalid or missing token"));
                    d.client(close(true, 1008, "Invalid or missing token"));
                    d.session().onEof(SERVER_TO_CLIENT);
                    d.session().onEof(CLIENT_TO_SERVER);
                }, ClosedBy.SERVER, 1008, null),
                new Scenario("the upstream drops TCP without a close frame", d -> {
                    d.client(text(true, "hello"));
                    d.session().onEof(SERVER_TO_CLIENT);
                    d.session().onEof(CLIENT_TO_SERVER);
                }, ClosedBy.SERVER, null, "upstream closed the connection without a close frame"),
                new Scenario("the client vanishes and the upstream does not follow", d -> {
                    d.session().onEof(CLIENT_TO_SERVER);
                    d.net().timers.forEach(Runnable::run);
                }, ClosedBy.CLIENT, null, "client closed the connection without a close frame"),
                new Scenario("the upstream dies in the middle of a frame", d -> {
                    d.server(java.util.Arrays.copyOf(text(false, "0123456789"), 6));
                    d.session().onEof(SERVER_TO_CLIENT);
                    d.session().onEof(CLIENT_TO_SERVER);
                }, ClosedBy.SERVER, null, "upstream closed the connection in the middle of a frame"),
                new Scenario("reading from the client fails", d -> d.session().onFailure(CLIENT_TO_SERVER,
                        new IOException("Connection reset by peer")), ClosedBy.CLIENT, null, "reading from the client failed: connection reset by peer"),
                new Scenario("writing to the upstream fails", d -> {
                    d.net().failWrites = new IOException("Broken pipe");
                    d.client(text(true, "lost"));
                }, ClosedBy.SERVER, null, "writing to the upstream failed: connection closed by peer (broken pipe)"),
                new Scenario("the proxy shuts down", d -> {
                    d.session().closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
                    d.client(close(true, 1001, ""));
                    d.server(close(false, 1001, ""));
                }, ClosedBy.PROXY, 1001, "proxy shut down while the session was open"),
                new Scenario("the proxy shuts down and nobody answers", d -> {
                    d.session().closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
                    d.net().timers.forEach(Runnable::run);
                }, ClosedBy.PROXY, 1001, "proxy shut down while the session was open"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void howSessionsEnd(Scenario scenario) {
        scenario.script().accept(new Driver(session, net));
        assertThat(net.log).as("the connections are closed").contains("close both");
        session.onClosed();
        SessionEnd end = events.awaitClosed(1);
        assertThat(end.closedBy()).isEqualTo(scenario.by());
        assertThat(end.closeCode()).isEqualTo(scenario.code());
        assertThat(end.error()).isEqualTo(scenario.error());
    }

    @Test
    void bytesPassAsReadOneWritePerReadAndFramesAreRecordedInReadOrder() {
        byte[] request = text(true, "{\"cmd\":0,\"seq\":1}");
        byte[] response = text(false, "{\"cmd\":1,\"seq\":1}");
        read(session, net, CLIENT_TO_SERVER, java.util.Arrays.copyOf(request, 5));
        read(session, net, CLIENT_TO_SERVER, java.util.Arrays.copyOfRange(request, 5, request.length));
        read(session, net, SERVER_TO_CLIENT, response);
        assertThat(net.log).containsExactly("write client", "write client", "write server");
        assertThat(net.delivered(CLIENT_TO_SERVER)).as("masked bytes reach the upstream as the client sent them").isEqualTo(request);
        assertThat(net.delivered(SERVER_TO_CLIENT)).isEqualTo(response);
        session.onEof(CLIENT_TO_SERVER);
        session.onEof(SERVER_TO_CLIENT);
        session.onClosed();
        events.awaitClosed(1);
        assertThat(events.frames(1)).extracting(f -> f.seq() + " " + f.from().sender() + " " + f.text())
                .containsExactly("1 client {\"cmd\":0,\"seq\":1}", "2 server {\"cmd\":1,\"seq\":1}");
    }

    @Test
    void aFrameWhoseWriteFailedIsRecordedAsNotDelivered() {
        net.failWrites = new IOException("Broken pipe");
        read(session, net, SERVER_TO_CLIENT, text(false, "never arrives"));
        session.onClosed();
        events.awaitClosed(1);
        assertThat(events.frames(1).get(0).note()).isEqualTo("not delivered: writing to the client failed");
    }

    @Test
    void endOfStreamIsMirroredAsAHalfClose() {
        session.onEof(SERVER_TO_CLIENT);
        assertThat(net.log).containsExactly("fin server");
        assertThat(net.timers).as("a deadline for the other side to follow").hasSize(1);
        session.onEof(CLIENT_TO_SERVER);
        assertThat(net.log).containsExactly("fin server", "fin client", "close both");
    }

    @Test
    void theProxysCloseWaitsForTheFrameInProgressThenSwallowsWhatFollows() {
        byte[] frame = text(true, "0123456789");
        read(session, net, CLIENT_TO_SERVER, java.util.Arrays.copyOf(frame, 8));
        session.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
        // Toward the client the proxy's close goes at once (that direction is between frames), unmasked.
        assertThat(net.delivered(SERVER_TO_CLIENT)).isEqualTo(close(false, 1001, "Sockscope is shutting down"));
        byte[] rest = java.util.Arrays.copyOfRange(frame, 8, frame.length);
        read(session, net, CLIENT_TO_SERVER, concat(rest, text(true, "after the close"), close(true, 1001, "")));
        byte[] toUpstream = net.delivered(CLIENT_TO_SERVER);
        assertThat(java.util.Arrays.copyOf(toUpstream, frame.length)).as("the frame in progress, whole").isEqualTo(frame);
        byte[] injected = java.util.Arrays.copyOfRange(toUpstream, frame.length, toUpstream.length);
        assertThat(injected[0] & 0xFF).isEqualTo(0x88);
        assertThat(injected[1] & 0x80).as("masked toward the upstream").isEqualTo(0x80);
        assertThat(injected).hasSize(2 + 4 + 2 + "Sockscope is shutting down".length());
        read(session, net, SERVER_TO_CLIENT, close(false, 1001, ""));
        assertThat(net.log).last().isEqualTo("close both");
        session.onClosed();
        events.awaitClosed(1);
        assertThat(events.frames(1)).extracting(f -> f.from().sender() + " " + f.type().label() + " " + f.note()).containsExactly(
                "server close sent by the proxy to the client",
                "client text null",
                "client close sent by the proxy to the upstream",
                "client text not relayed: sent after the proxy closed the session",
                "client close not relayed: sent after the proxy closed the session",
                "server close not relayed: sent after the proxy closed the session");
        RecordedFrame ours = events.frames(1).get(0);
        assertThat(ours.closeReason()).isEqualTo("Sockscope is shutting down");
        assertThat(new String(ours.payload(), 2, ours.size() - 2, StandardCharsets.UTF_8)).isEqualTo("Sockscope is shutting down");
    }

    @Test
    void aMessageCutByTheProxysCloseSaysHowMuchOfItWasRelayedAndWhen() {
        MicroClock clock = new MicroClock();
        PassThroughSession cut = new PassThroughSession(2, NegotiatedExtensions.NONE, 1 << 20, MessageBudget.unlimited(), bus, clock,
                net, s -> net.log.add("ended"));
        byte[] first = frame(false, 0, 0x1, true, "first ".getBytes(StandardCharsets.UTF_8));
        read(cut, net, CLIENT_TO_SERVER, first);
        long relayed = clock.nowMicros();
        await().atMost(Duration.ofSeconds(10)).until(() -> clock.nowMicros() > relayed + 100_000);
        cut.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
        read(cut, net, CLIENT_TO_SERVER, concat(frame(true, 0, 0x0, true, "second".getBytes(StandardCharsets.UTF_8)), close(true, 1001, "")));
        read(cut, net, SERVER_TO_CLIENT, close(false, 1001, ""));
        cut.onClosed();
        events.awaitClosed(2);

        assertThat(java.util.Arrays.copyOf(net.delivered(CLIENT_TO_SERVER), first.length)).as("the first fragment went through").isEqualTo(first);
        RecordedFrame message = events.frames(2).stream().filter(f -> f.type() == FrameType.TEXT).findFirst().orElseThrow();
        assertThat(message.note()).isEqualTo("relayed in part: its first 1 fragment (6 payload bytes) went through before the proxy"
                + " closed the session; the fragment after that (6 payload bytes) was not relayed");
        assertThat(message.timeMicros()).as("stamped when its relayed part went through, not at the close").isLessThanOrEqualTo(relayed);
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("first second");
    }

    @Test
    void aStalledWriteDoesNotHoldBackTheOtherDirectionsFramesWithoutBound() {
        net.holdWritesOf = SERVER_TO_CLIENT;
        read(session, net, SERVER_TO_CLIENT, text(false, "stuck toward the client"));
        byte[] mib = frame(true, 0, 0x2, true, new byte[1 << 20]);
        read(session, net, CLIENT_TO_SERVER, mib);
        // Asked after one frame, well within the holding time (10 MiB took longer than that on a loaded machine).
        assertThat(events.frames(1)).as("a write merely in progress holds them back for a moment").isEmpty();
        for (int i = 1; i < 10; i++) {
            read(session, net, CLIENT_TO_SERVER, mib);
        }
        // The client goes on sending while its receiver stays stuck: past the holding time, frames flow again.
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger(10);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            read(session, net, CLIENT_TO_SERVER, mib);
            sent.incrementAndGet();
            return events.frames(1).size() >= 2;
        });
        List<RecordedFrame> frames = events.frames(1);
        assertThat(frames.get(0).text()).isEqualTo("stuck toward the client");
        assertThat(frames.get(0).note()).isEqualTo("delivery not confirmed when recorded: the receiver was not taking what was written");
        assertThat(frames.subList(1, frames.size())).allSatisfy(f -> assertThat(f.note()).isNull());
        net.held.forEach(c -> c.completed(null));
        session.onClosed();
        events.awaitClosed(1);
        assertThat(events.frames(1)).hasSize(1 + sent.get());
    }

    @Test
    void aReadThatRacesTheEndOfTheSessionIsNeitherRelayedNorRecorded() {
        session.onClosed();
        assertThat(session.onRead(CLIENT_TO_SERVER, ByteBuffer.wrap(text(true, "late")))).isEmpty();
        events.awaitClosed(1);
        assertThat(events.frames(1)).isEmpty();
    }

    @Test
    void aPeerThatAnswersTheProxysCloseByClosingTcpIsNotWaitedFor() {
        session.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
        read(session, net, SERVER_TO_CLIENT, close(false, 1001, ""));
        session.onEof(CLIENT_TO_SERVER); // the client hangs up instead of answering
        assertThat(net.log).last().isEqualTo("close both");
    }

    @Test
    void aSenderThatClosedFirstGetsNoSecondCloseFromTheProxy() {
        read(session, net, CLIENT_TO_SERVER, close(true, 1000, "bye"));
        session.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
        assertThat(net.delivered(CLIENT_TO_SERVER)).as("only the client's own close reaches the upstream")
                .isEqualTo(close(true, 1000, "bye"));
        assertThat(net.delivered(SERVER_TO_CLIENT)).isEqualTo(close(false, 1001, "Sockscope is shutting down"));
        read(session, net, SERVER_TO_CLIENT, close(false, 1000, "bye"));
        assertThat(net.log).last().isEqualTo("close both");
        session.onClosed();
        assertThat(events.awaitClosed(1).closedBy()).isEqualTo(ClosedBy.CLIENT);
    }
}
