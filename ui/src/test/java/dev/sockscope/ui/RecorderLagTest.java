package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Issue 20's probe as a test: Python {@code websockets} clients (their defaults: permessage-deflate) send 10 MiB text
 * messages of random alphanumerics (a base64 image) in 64 KiB fragments through a real proxy process with a small
 * heap, while another client pings. Recording used to stall on such messages (5 s of regular expressions each) and
 * hold the relay with it: answers waited a minute. Now every answer arrives within a second of what the same load
 * gets directly, in both directions of a flooded session and on a session beside it; every frame is in the
 * recording (a message recorded in part says so); and SIGTERM says what it is writing and ends within its timeout.
 */
class RecorderLagTest {
    private static final double SECONDS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path db;
    private final FloodPeers peers = new FloodPeers();
    /** Two servers alike, one used directly and one through the proxy, so that neither's event loop slows the other. */
    private URI direct;
    private URI upstream;

    @BeforeEach
    void startServers() throws Exception {
        direct = peers.server();
        upstream = peers.server();
    }

    @AfterEach
    void stopPeers() {
        peers.close();
    }

    @Test
    void tenMibMessagesFromRealClientsNeverHoldAnAnswerUpAndSigtermEndsInTime() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx384m"), db, upstream)) {
            URI through = proxy.uri("");
            // A proxy runs for hours: measure it warm (the first 10 MiB through a cold JVM run interpreted).
            FloodPeers.result(peers.client("flood", through.resolve("/flood"), 3), 180);
            // The same load directly and through the proxy at the same time, so that both see the same busy machine;
            // a third flood through the proxy loads its recorder further.
            Process floodDirect = peers.client("flood", direct.resolve("/flood"), SECONDS);
            Process probeDirect = peers.client("probe", direct.resolve("/probe"), SECONDS);
            Process floodThrough = peers.client("flood", through.resolve("/flood"), SECONDS);
            Process probeThrough = peers.client("probe", through.resolve("/probe"), SECONDS);
            Process load = peers.client("flood", through.resolve("/flood"), SECONDS);
            var pd = FloodPeers.result(probeDirect, 180);
            var pt = FloodPeers.result(probeThrough, 180);
            var fd = FloodPeers.result(floodDirect, 180);
            var ft = FloodPeers.result(floodThrough, 180);
            FloodPeers.result(load, 180);
            String output = String.join("\n", proxy.output());
            String seen = "direct: probe " + pd + ", flood " + fd + "; through the proxy: probe " + pt + ", flood " + ft
                    + "; proxy output:\n" + output;
            assertThat(pt.get("slowest").asDouble()).as("the slowest ping through the proxy, beside the floods; %s", seen)
                    .isLessThan(pd.get("slowest").asDouble() + 1.0);
            assertThat(ft.get("late").asDouble()).as("the latest tick the server sent on a flooded session; %s", seen)
                    .isLessThan(fd.get("late").asDouble() + 1.0);
            assertThat(ft.get("sent").asInt()).as(seen).isPositive();

            // SIGTERM while a flood goes on: one line says what is still being written, and the proxy ends in time.
            Process flood = peers.client("flood", through.resolve("/last"), 60);
            // The inspector says how far behind recording is; wait until the flood's first message is on its way.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            URI status = proxy.inspector().resolve("/api/status");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                var body = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(status).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                assertThat(body.get("recording").has("lagging")).as("the proxy's inspector reports on recording: %s", body).isTrue();
                return body.get("recording").get("sessionsBehind").asInt() > 0 || !flood.isAlive();
            });
            long before = System.nanoTime();
            int code = proxy.terminate();
            double took = (System.nanoTime() - before) / 1e9;
            // The last lines may still be on their way from the process's pipe.
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> proxy.output().stream().anyMatch(l -> l.startsWith("sockscope: stopped after")));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no 'stopped after' line; exit " + code + " " + took + " s after SIGTERM; output:\n"
                        + String.join("\n", proxy.output()), e);
            }
            flood.waitFor(30, TimeUnit.SECONDS);
            output = String.join("\n", proxy.output()) + "\nthe last flood's output: "
                    + new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(code).as(output).isIn(0, 143);
            assertThat(took).as("seconds from SIGTERM to exit, with a 10 s --stop-timeout; output:%n%s", output).isLessThan(14);
            assertThat(output).containsPattern("sockscope: stopping: closing [1-9]\\d* open sessions? \\(1001 both ways\\) and writing \\d+"
                    + " sessions?, \\d+ frames?, [0-9.]+ MiB queued for the recording, within 10.0 s \\(--stop-timeout\\)");
            assertThat(output).containsPattern("sockscope: stopped after [0-9.]+ s(; everything queued was written| with .* not written)");
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            List<SessionRecord> sessions = store.sessions(100);
            int floods = 0;
            for (SessionRecord s : sessions) {
                String path = s.info().handshake().path();
                List<RecordedFrame> frames = new ArrayList<>();
                for (List<RecordedFrame> page = store.frames(s.id(), 0, 8); !page.isEmpty();
                     page = store.frames(s.id(), page.get(page.size() - 1).seq(), 8)) {
                    // 10 MiB payloads: kept only as far as the checks below need them.
                    page.forEach(f -> frames.add(f.size() > 4096 ? f.withPayload(java.util.Arrays.copyOf(f.payload(), 64)).withNote(
                            f.note() == null && f.size() < 10 << 20 ? "whole payload was " + f.size() : f.note()) : f));
                }
                List<RecordedFrame> sent = frames.stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER && f.type() == FrameType.TEXT).toList();
                if (path.equals("/flood")) {
                    floods++;
                    assertThat(sent).as("messages of session %d", s.id()).isNotEmpty();
                    for (RecordedFrame f : sent) {
                        assertThat(f.wire().messageBytes()).isEqualTo(10 << 20);
                        if (f.note() != null) {
                            assertThat(f.note()).as("only a message recorded in part has a note").contains("recorded in part");
                        }
                    }
                    long acks = frames.stream().filter(f -> f.from() == Direction.SERVER_TO_CLIENT && f.text().startsWith("{\"ack\"")).count();
                    assertThat(acks).as("every message answered, every answer recorded").isEqualTo(sent.size());
                } else if (path.equals("/probe")) {
                    long pongs = frames.stream().filter(f -> f.type() == FrameType.TEXT && f.text().startsWith("pong ")).count();
                    assertThat(pongs).isEqualTo(sent.size()).isPositive();
                }
            }
            assertThat(floods).as("the warm-up, the measured one, the load").isEqualTo(3);
        }
    }
}
