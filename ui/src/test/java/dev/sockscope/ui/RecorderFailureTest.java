package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.testing.WebSocketRecorder;

/** A recording thread (decoding stage or recorder) that dies must stop the proxy loudly, not leave it relaying what nobody records. */
@ExtendWith(ChildProcess.Cleanup.class)
class RecorderFailureTest {
    @TempDir
    Path db;
    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    @Test
    void theDecodingStageOutOfMemoryStopsTheProxyWithANonZeroExitAndSaysWhy() throws Exception {
        // Just under 4 MiB (the largest text the decoding stage parses into a tree) of [{},{},...]: the relay moves it
        // through a 96 MiB heap in milliseconds, but its JSON tree (some 75 bytes per 3-byte element) does not fit, and
        // the decoding stage parses it, after the relay is done with it. The stage's thread runs out of memory, as
        // issue 8 saw with eight 60 MiB messages in 1 GiB.
        StringBuilder json = new StringBuilder(4 << 20).append('[');
        while (json.length() < (4 << 20) - 16) {
            json.append("{},");
        }
        json.setCharAt(json.length() - 1, ']');
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx96m"), db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/"));
            client.socket.sendText(json, true).get(30, TimeUnit.SECONDS);
            int code = proxy.awaitExit(Duration.ofSeconds(90));
            String output = String.join("\n", proxy.output());
            assertThat(code).as("exit code; output: %s", output).isEqualTo(1);
            assertThat(output).contains("ERROR EventBus - subscriber 'recorder' failed")
                    .contains("java.lang.OutOfMemoryError")
                    .contains("sockscope: recording failed, so the proxy stops rather than relay unrecorded traffic:"
                            + " subscriber 'recorder' failed: Java heap space");
            // The proxy closed what was open on its way out (the echo may or may not have come back before).
            WebSocketRecorder.Event last = client.events.next();
            if (last instanceof WebSocketRecorder.Text) {
                last = client.events.next();
            }
            assertThat(last).isInstanceOf(WebSocketRecorder.Close.class);
            assertThat(((WebSocketRecorder.Close) last).code()).isEqualTo(1001);
        }
    }
}
