package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * What users really run: Python {@code websockets} (Debian's python3-websockets) on both sides with its defaults,
 * which negotiate permessage-deflate with 12-bit windows, through the proxy, with messages across every buffer
 * boundary up to 16 MiB, text and binary, both ways.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class RealClientsTest {
    private static final List<Integer> SIZES = List.of(16, 125, 126, 8191, 8192, 65535, 65536, 1 << 20, 16 << 20);

    private ChildProcess server;
    private CaptureBus bus;
    private EventRecorder events;
    private Relay relay;

    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    static Path script() throws Exception {
        Path file = Files.createTempFile("python_peer", ".py");
        try (var in = RealClientsTest.class.getResourceAsStream("/peers/python_peer.py")) {
            Files.write(file, in.readAllBytes());
        }
        file.toFile().deleteOnExit();
        return file;
    }

    @BeforeEach
    void start() throws Exception {
        server = ChildProcess.start(new ProcessBuilder(python(), script().toString(), "serve"));
        // Its first line is its port; without python3-websockets (.ci/run installs it) it exits saying why.
        String port = server.awaitLine(Pattern.compile("^(\\d+)$"), ChildProcess.READY).group(1);
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + port))),
                RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(10));
        }
        server.close();
    }

    @Test
    void pythonWebsocketsWithItsDefaultsPassesEveryMessageAndEveryOneIsRecorded() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(python(), script().toString(), "client",
                "ws://" + relay.boundRoutes().get(0).listen() + "/chat?room=1"));
        SIZES.forEach(s -> command.add(String.valueOf(s)));
        ChildProcess client = ChildProcess.start(new ProcessBuilder(command));
        int code = client.awaitExit(ChildProcess.FINISH);
        String output = client.output();
        assertThat(code).as(output).isZero();
        JsonNode result = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(result.get("failed")).as(output).isEmpty();
        assertThat(result.get("ok")).hasSize(2 * SIZES.size());
        assertThat(result.get("extensions").asText()).startsWith("permessage-deflate");
        assertThat(result.get("close").asInt()).isEqualTo(1000);

        SessionInfo session = events.awaitOpened();
        assertThat(session.handshake().extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
        SessionEnd end = events.awaitClosed(session.id());
        assertThat(end.closedBy()).isEqualTo(ClosedBy.CLIENT);
        assertThat(end.closeCode()).isEqualTo(1000);
        assertThat(end.error()).isNull();
        List<RecordedFrame> frames = events.frames(session.id());
        List<RecordedFrame> data = frames.stream().filter(f -> !f.type().isControl()).toList();
        assertThat(data).as("every message both ways").hasSize(4 * SIZES.size());
        for (int i = 0; i < SIZES.size(); i++) {
            int size = SIZES.get(i);
            for (int k = 0; k < 4; k++) {
                RecordedFrame f = data.get(4 * i + k);
                assertThat(f.type()).isEqualTo(k < 2 ? FrameType.TEXT : FrameType.BINARY);
                if (f.type() == FrameType.BINARY) {
                    assertThat(f.size()).as("binary %d #%d", size, k).isEqualTo(size);
                }
                assertThat(f.note()).as("frame %d", f.seq()).isNull();
                assertThat(f.wire().messageBytes()).isEqualTo(f.size());
            }
            // The text and its echo are the same message, as recorded on either leg.
            assertThat(data.get(4 * i).payload()).isEqualTo(data.get(4 * i + 1).payload());
            assertThat(data.get(4 * i + 2).payload()).isEqualTo(data.get(4 * i + 3).payload());
        }
        assertThat(data).as("python compresses what compresses").anyMatch(f -> f.wire().compressed());
        assertThat(frames.stream().filter(f -> f.type() == FrameType.CLOSE)).hasSize(2);
    }
}
