package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.testing.DeflateClient;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * The issue's two example files against the demo's MAX simulator, through the real relay, with Jetty's client at its
 * defaults (permessage-deflate): what the client sees and what is recorded.
 */
class MaxRulesRelayTest {
    private SimulatorServer sims;
    private final List<Relay> relays = new ArrayList<>();
    private final List<CaptureBus> buses = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        sims = SimulatorServer.start("127.0.0.1", Simulators.all());
    }

    @AfterEach
    void stop() {
        relays.forEach(r -> r.stop(Duration.ofSeconds(2)));
        buses.forEach(b -> b.close(Duration.ofSeconds(5)));
        sims.close();
    }

    private record Proxy(URI uri, RuleEngine engine, EventRecorder events) {
    }

    private Proxy proxy(long seed, String rules) throws Exception {
        CaptureBus bus = new CaptureBus();
        buses.add(bus);
        EventRecorder events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        InterceptPoint point = InterceptPoint.withoutLabels();
        RuleEngine engine = RuleEngineTest.engine(seed, rules);
        point.addSource(engine);
        Relay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"))), null, RelayOptions.defaults(), bus,
                new AtomicLong(1)::getAndIncrement, point);
        relays.add(relay);
        return new Proxy(URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/websocket"), engine, events);
    }

    private static final String HANDSHAKE = "{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}";
    private static final String LOGIN = "{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\",\"chatsCount\":40}}";
    private static final String HEARTBEAT = "{\"cmd\":0,\"seq\":3,\"opcode\":1,\"payload\":{\"interactive\":false}}";

    @Test
    void renameRewritesTheProfileNameTheClientSeesAndTheRecordingKeepsTheOriginal() throws Exception {
        Proxy p = proxy(1, RuleLoaderTest.ISSUE_SECOND);
        try (DeflateClient c = DeflateClient.connect(p.uri())) {
            c.send(HANDSHAKE);
            c.send(LOGIN);
            // The LOGIN answer and the NOTIF_SYNC push both carry the profile.
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() >= 3);
            assertThat(c.extensions).contains("permessage-deflate");
            assertThat(c.texts.get(1)).contains("\"opcode\":19").contains("\"name\":\"Mallory\"").doesNotContain("Anna");
            assertThat(c.texts.get(2)).contains("\"opcode\":6").contains("\"name\":\"Mallory\"").doesNotContain("Anna");
        }
        RuleStatus rename = p.engine().status().get(1);
        assertThat(rename.taken()).containsEntry("rewrite", 2L);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.events().frames(1).stream()
                .filter(f -> f.from() == Direction.SERVER_TO_CLIENT).count() >= 3);
        RecordedFrame login = p.events().frames(1).stream()
                .filter(f -> f.from() == Direction.SERVER_TO_CLIENT && f.text().contains("\"opcode\":19")).findFirst().orElseThrow();
        assertThat(login.text()).contains("Mallory");
        assertThat(login.provenance().origin()).isEqualTo(Provenance.Origin.RULE);
        assertThat(login.provenance().by()).isEqualTo("rule rename");
        assertThat(new String(login.provenance().original(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"name\":\"Anna\"");
    }

    @Test
    void slowLoginDelaysTheLoginAnswerByOneAndAHalfSecondsAndSaysSoInTheRecording() throws Exception {
        Proxy p = proxy(1, RuleLoaderTest.ISSUE_FIRST);
        try (DeflateClient c = DeflateClient.connect(p.uri())) {
            c.send(HANDSHAKE);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() == 1);
            long sent = System.nanoTime();
            c.send(LOGIN);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.stream().anyMatch(t -> t.contains("\"opcode\":19")));
            long waitedMillis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(waitedMillis).isBetween(1500L, 4000L);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> p.events().frames(1).stream()
                .anyMatch(f -> f.from() == Direction.SERVER_TO_CLIENT && f.text().contains("\"opcode\":19")));
        RecordedFrame login = p.events().frames(1).stream()
                .filter(f -> f.from() == Direction.SERVER_TO_CLIENT && f.text().contains("\"opcode\":19")).findFirst().orElseThrow();
        assertThat(login.provenance().ruleSays()).isEqualTo("delayed 1500 ms by rule slow-login");
    }

    private static String example(String name) throws Exception {
        return java.nio.file.Files.readString(RuleExamplesTest.EXAMPLES.resolve(name));
    }

    @Test
    void theShippedExamplesDoWhatTheySayToTheMaxClient() throws Exception {
        // stub-contacts: the proxy answers the contacts request with the request's seq; MAX never sees it.
        Proxy stub = proxy(1, example("stub-contacts.yaml"));
        try (DeflateClient c = DeflateClient.connect(stub.uri())) {
            c.send(HANDSHAKE);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() == 1);
            c.send("{\"cmd\":0,\"seq\":41,\"opcode\":32,\"payload\":{\"contactIds\":[8]}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() >= 2);
            assertThat(c.texts.get(1)).isEqualTo("{\"cmd\":1,\"seq\":41,\"opcode\":32,\"payload\":{\"contacts\":[]}}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stub.events().frames(1).stream()
                .anyMatch(f -> f.provenance() != null && "rule stub-contacts".equals(f.provenance().by())
                        && f.from() == Direction.SERVER_TO_CLIENT));

        // close-1011-mid-sync: the login is answered, then the session closes with 1011 instead of the sync push.
        Proxy sync = proxy(1, example("close-1011-mid-sync.yaml"));
        try (DeflateClient c = DeflateClient.connect(sync.uri())) {
            c.send(HANDSHAKE);
            c.send(LOGIN);
            org.eclipse.jetty.websocket.core.CloseStatus closed = c.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(closed.getCode()).isEqualTo(1011);
            assertThat(closed.getReason()).isEqualTo("sync failed");
            assertThat(c.texts).anyMatch(t -> t.contains("\"opcode\":19")).noneMatch(t -> t.contains("\"contacts\""));
        }

        // duplicated-message: the push after a heartbeat comes twice.
        Proxy twice = proxy(1, example("duplicated-message.yaml"));
        try (DeflateClient c = DeflateClient.connect(twice.uri())) {
            c.send(HANDSHAKE);
            c.send(HEARTBEAT);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.stream().filter(t -> t.contains("\"opcode\":128")).count() == 2);
            c.send("{\"cmd\":0,\"seq\":9,\"opcode\":4242,\"payload\":{}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.stream().anyMatch(t -> t.contains("\"seq\":9")));
            assertThat(c.texts.stream().filter(t -> t.contains("\"opcode\":128")).count()).isEqualTo(2);
        }
    }

    @Test
    void handshakePathQueryAndHeadersAreMatched() throws Exception {
        Proxy p = proxy(1, """
                rules:
                  - name: deflating-clients
                    match: { direction: server, path: /websocket, query: v=2, header: { Sec-WebSocket-Extensions: permessage-deflate } }
                    set: { /payload/seen: true }
                """);
        try (DeflateClient c = DeflateClient.connect(URI.create(p.uri() + "?v=2"))) {
            c.send(HANDSHAKE);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() == 1);
            assertThat(c.texts.get(0)).contains("\"seen\":true");
        }
        try (DeflateClient c = DeflateClient.connect(URI.create(p.uri() + "?v=1"))) {
            c.send(HANDSHAKE);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() == 1);
            assertThat(c.texts.get(0)).doesNotContain("seen");
        }
    }

    @Test
    void killAfterHistoryClosesWith1011RightAfterTheHistoryAnswer() throws Exception {
        Proxy p = proxy(1, RuleLoaderTest.ISSUE_SECOND);
        try (DeflateClient c = DeflateClient.connect(p.uri())) {
            c.send(HANDSHAKE);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() == 1);
            c.send("{\"cmd\":0,\"seq\":4,\"opcode\":49,\"payload\":{\"chatId\":\"12345\",\"from\":\"m1\",\"forward\":0,\"backward\":30}}");
            org.eclipse.jetty.websocket.core.CloseStatus closed = c.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(closed.getCode()).isEqualTo(1011);
            assertThat(closed.getReason()).isEqualTo("chaos");
            assertThat(c.texts).hasSize(2);
            assertThat(c.texts.get(1)).as("the history answer came before the close").contains("\"opcode\":49");
        }
        assertThat(p.engine().status().get(0).taken()).containsEntry("close", 1L);
    }

    /** Which of 16 sessions had their NOTIF_MESSAGE push (answer to a heartbeat) lost. */
    private List<Integer> lostPushes(long seed) throws Exception {
        Proxy p = proxy(seed, RuleLoaderTest.ISSUE_FIRST);
        List<Integer> lost = new ArrayList<>();
        for (int s = 1; s <= 16; s++) {
            try (DeflateClient c = DeflateClient.connect(p.uri())) {
                c.send(HANDSHAKE);
                c.send(HEARTBEAT);
                await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.size() >= 2);
                // The push follows the heartbeat's answer; a marker request after it says when everything has come.
                c.send("{\"cmd\":0,\"seq\":9,\"opcode\":4242,\"payload\":{}}");
                await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.stream().anyMatch(t -> t.contains("\"seq\":9")));
                if (c.texts.stream().noneMatch(t -> t.contains("\"opcode\":128"))) {
                    lost.add(s);
                }
            }
        }
        long sessionsWithDrop = p.events().events().stream().filter(e -> e instanceof dev.sockscope.capture.CaptureEvent.FrameCaptured f
                && f.frame().provenance() != null && f.frame().provenance().delivery() == Provenance.Delivery.DROPPED
                && "rule lossy-push".equals(f.frame().provenance().by())).count();
        assertThat(sessionsWithDrop).as("each lost push is recorded as dropped").isEqualTo(lost.size());
        assertThat(p.engine().status().get(1).taken().getOrDefault("drop", 0L)).isEqualTo(lost.size());
        return lost;
    }

    @Test
    void lossyPushLosesAboutHalfThePushesAndTheSameSeedLosesTheSameOnes() throws Exception {
        List<Integer> first = lostPushes(2026);
        assertThat(first.size()).as("lost of 16: " + first).isBetween(3, 13);
        assertThat(lostPushes(2026)).isEqualTo(first);
    }
}
