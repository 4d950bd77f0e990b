package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.HeldMessage;
import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * Node {@code ws} on both sides with its defaults (permessage-deflate, context takeover, 15-bit windows): a breakpoint
 * set on a session that is already open holds one direction while the other flows and injections go both ways;
 * what queued behind the held message follows it in order; a held message is answered with a close 1011.
 */
class InterceptNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<PeerProcess> processes = new ArrayList<>();
    private final List<CaptureEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private CaptureBus bus;
    private Relay relay;
    private InterceptPoint intercept;
    private PeerProcess client;

    @BeforeEach
    void start() throws Exception {
        NodePeers.ensureInstalled();
        PeerProcess server = PeerProcess.start("ws-server", NodePeers.DIR, List.of("node", "intercept/ws.js", "serve"));
        processes.add(server);
        int port = server.awaitPort(Duration.ofSeconds(60));
        bus = new CaptureBus();
        bus.subscribe("events", events::addAll, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        intercept = InterceptPoint.withoutLabels();
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + port))), null,
                RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement, intercept);
        client = PeerProcess.start("ws-client", NodePeers.DIR, List.of("node", "intercept/ws.js", "client",
                "ws://" + relay.boundRoutes().get(0).listen() + "/"));
        processes.add(client);
        assertThat(client.awaitLine(l -> l.contains("\"open\""), Duration.ofSeconds(60))).contains("permessage-deflate");
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(10));
        }
        processes.forEach(PeerProcess::close);
    }

    private void send(String text) throws Exception {
        client.send(JSON.writeValueAsString(java.util.Map.of("text", text)));
    }

    private List<String> received() {
        List<String> texts = new ArrayList<>();
        for (String line : client.output()) {
            try {
                JsonNode n = JSON.readTree(line);
                if (n.has("text")) {
                    texts.add(n.get("text").asText());
                }
            } catch (Exception e) {
                // not one of ours
            }
        }
        return texts;
    }

    private void awaitReceived(String... texts) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received()).containsExactly(texts));
    }

    private long sessionId() {
        return events.stream().filter(e -> e instanceof CaptureEvent.SessionOpened).map(e -> ((CaptureEvent.SessionOpened) e).session().id())
                .findFirst().orElseThrow();
    }

    private HeldMessage awaitHeld(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> intercept.held().stream().anyMatch(h -> h.message().text().equals(text)));
        return intercept.held().stream().filter(h -> h.message().text().equals(text)).findFirst().orElseThrow();
    }

    @Test
    void aBreakpointOnAnOpenSessionHoldsOneDirectionWhileTheOtherFlowsAndInjectionsGoBothWays() throws Exception {
        String big = "compressible ".repeat(5000);
        send("before " + big);
        awaitReceived("before " + big);
        long session = sessionId();

        intercept.addBreakpoint(new Breakpoint(0, session, null, Direction.CLIENT_TO_SERVER, null, null, null, null, "HOLD", null, null, null, false));
        send("HOLD 1");
        send("after 1 " + big);
        HeldMessage held = awaitHeld("HOLD 1");
        assertThat(held.queuedBehind()).isEqualTo(1);

        // The other direction flows: the proxy pushes to the client, and to the upstream (which echoes it).
        long pushed = relay.send(session, Direction.SERVER_TO_CLIENT, new Injection.Message(FrameType.TEXT,
                "{\"opcode\":128,\"payload\":\"fake\"}".getBytes(StandardCharsets.UTF_8))).get();
        assertThat(pushed).isPositive();
        relay.send(session, Direction.CLIENT_TO_SERVER, new Injection.Message(FrameType.TEXT, "INJECTED".getBytes(StandardCharsets.UTF_8))).get();
        awaitReceived("before " + big, "{\"opcode\":128,\"payload\":\"fake\"}", "INJECTED");

        assertThat(intercept.release(held.id(), Decision.FORWARD)).isTrue();
        awaitReceived("before " + big, "{\"opcode\":128,\"payload\":\"fake\"}", "INJECTED", "HOLD 1", "after 1 " + big);

        // Edited, then more compressed traffic both ways on the same contexts.
        send("HOLD 2 " + big);
        intercept.release(awaitHeld("HOLD 2 " + big).id(), new Decision.Replace(("EDITED " + big).getBytes(StandardCharsets.UTF_8), FrameType.TEXT));
        for (int i = 0; i < 50; i++) {
            send(i + " " + big.substring(i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received().size() == 6 + 50);
        assertThat(received().get(5)).isEqualTo("EDITED " + big);
        for (int i = 0; i < 50; i++) {
            assertThat(received().get(6 + i)).isEqualTo(i + " " + big.substring(i));
        }

        intercept.addBreakpoint(new Breakpoint(0, null, null, null, null, null, null, null, null, null, "/opcode", "19", false));
        send("{\"opcode\":19,\"payload\":\"CLOSE-ME\"}");
        intercept.release(awaitHeld("{\"opcode\":19,\"payload\":\"CLOSE-ME\"}").id(), new Decision.Close(1011, "sync failed"));
        assertThat(client.awaitLine(l -> l.contains("\"closed\""), Duration.ofSeconds(30))).contains("1011").contains("sync failed");

        await().atMost(Duration.ofSeconds(15)).until(() -> events.stream().anyMatch(e -> e instanceof CaptureEvent.SessionClosed));
        List<RecordedFrame> frames = events.stream().filter(e -> e instanceof CaptureEvent.FrameCaptured)
                .map(e -> ((CaptureEvent.FrameCaptured) e).frame()).toList();
        assertThat(frames).anyMatch(f -> f.text().equals("INJECTED") && f.from() == Direction.CLIENT_TO_SERVER
                && f.provenance() == Provenance.INJECTED);
        assertThat(frames).anyMatch(f -> f.seq() == pushed && f.from() == Direction.SERVER_TO_CLIENT && f.provenance() == Provenance.INJECTED);
        assertThat(frames).anyMatch(f -> f.text().equals("HOLD 1") && f.provenance().heldMicros() > 0
                && f.provenance().delivery() == Provenance.Delivery.DELIVERED);
        assertThat(frames).anyMatch(f -> f.text().startsWith("after 1") && f.provenance() == null);
        assertThat(frames).anyMatch(f -> f.text().equals("EDITED " + big) && f.provenance().origin() == Provenance.Origin.USER_EDITED);
        assertThat(frames).anyMatch(f -> f.text().contains("CLOSE-ME") && f.provenance().delivery() == Provenance.Delivery.NOT_SENT);
        assertThat(frames).anyMatch(f -> f.type() == FrameType.CLOSE && f.closeCode() == 1011 && f.provenance() == Provenance.PROXY);
    }
}
