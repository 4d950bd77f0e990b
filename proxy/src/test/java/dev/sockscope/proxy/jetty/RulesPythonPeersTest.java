package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Rules on a compressed stream with Python {@code websockets} on both sides at its defaults (12-bit windows: the proxy
 * re-encodes Huffman-only once a direction is touched) and with 15-bit windows: a rewrite and a drop by a rule, then
 * hundreds of messages of 16 B to 1 MiB of which every 7th is refragmented and every 5th delayed on the way up, and
 * every 3rd echo refragmented on the way down; each must come back intact.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class RulesPythonPeersTest {
    private static final Decision.Cause CAUSE = Decision.Cause.rule("python");

    private final List<ChildProcess> processes = new ArrayList<>();
    private CaptureBus bus;
    private EventRecorder events;
    private JettyRelay relay;

    /** Rewrites EDIT-ME, drops the echo of DROP-ME, and refragments and delays by count. */
    private static final class Rules implements DecisionSource {
        final AtomicInteger up = new AtomicInteger();
        final AtomicInteger down = new AtomicInteger();

        @Override
        public Decision decide(InterceptedMessage m) {
            String text = m.type() == FrameType.TEXT && m.payload().length < 16 ? m.text() : "";
            if (m.from() == Direction.CLIENT_TO_SERVER) {
                if (text.equals("EDIT-ME")) {
                    return new Decision.Replace("EDITED by a rule".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, CAUSE);
                }
                int n = up.incrementAndGet();
                if (n % 7 == 0) {
                    return new Decision.Refragment(1 + n % 4 + 1, CAUSE);
                }
                return n % 5 == 0 ? new Decision.Delay(Duration.ofMillis(n % 11), false, CAUSE) : null;
            }
            if (text.equals("DROP-ME")) {
                return new Decision.Drop(CAUSE);
            }
            return down.incrementAndGet() % 3 == 0 ? new Decision.Refragment(4, CAUSE) : null;
        }

        @Override
        public boolean active() {
            return true;
        }
    }

    private ChildProcess python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RealClientsTest.python(), InterceptRelayTest.script().toString()));
        command.addAll(List.of(args));
        ChildProcess p = ChildProcess.start(new ProcessBuilder(command));
        processes.add(p);
        return p;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(10));
        }
        processes.forEach(ChildProcess::close);
    }

    @ParameterizedTest(name = "{0} windows, {1} messages")
    @CsvSource({"default, 400, server_max_window_bits=12", "wide, 400, permessage-deflate"})
    void refragmentedDelayedRewrittenAndDroppedMessagesLeaveEveryLaterCompressedMessageIntact(String window, int count,
                                                                                               String negotiated) throws Exception {
        String port = python("serve", window).awaitLine(Pattern.compile("^(\\d+)$"), ChildProcess.READY).group(1);
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        InterceptPoint intercept = InterceptPoint.withoutLabels();
        Rules rules = new Rules();
        intercept.addSource(rules);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + port))), null,
                RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement, intercept);

        ChildProcess client = python("client", "ws://" + relay.boundRoutes().get(0).listen() + "/", String.valueOf(count), "18");
        int code = client.awaitExit(ChildProcess.FINISH);
        String output = client.output();
        assertThat(code).as(output).isZero();
        JsonNode result = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(result.get("extensions").asText()).contains(negotiated);
        assertThat(result.get("edited").asText()).isEqualTo("EDITED by a rule");
        assertThat(result.get("failed")).as(output).isEmpty();
        assertThat(result.get("ok").asInt()).isEqualTo(count);
        assertThat(result.get("close").asInt()).isEqualTo(1000);

        SessionInfo session = events.awaitOpened();
        events.awaitClosed(session.id());
        List<RecordedFrame> data = events.frames(session.id()).stream().filter(f -> !f.type().isControl()).toList();
        assertThat(data.get(0).provenance().effect()).isEqualTo("rewritten");
        assertThat(data.get(0).provenance().by()).isEqualTo("rule python");
        assertThat(data).filteredOn(f -> f.provenance() != null && "dropped".equals(f.provenance().effect())).hasSize(1);
        assertThat(data).filteredOn(f -> f.provenance() != null && f.provenance().effect().startsWith("refragmented into"))
                .hasSizeGreaterThan(count / 3);
        assertThat(data).filteredOn(f -> f.provenance() != null && f.provenance().effect().startsWith("delayed"))
                .allMatch(f -> f.provenance().origin() == Provenance.Origin.RULE);
    }
}
