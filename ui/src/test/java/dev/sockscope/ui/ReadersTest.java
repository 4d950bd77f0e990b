package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.views.Json;

/** Scripts read a folder concurrently: any number of 'sessions' and 'frames' processes at once, proxy or not. */
@ExtendWith(ChildProcess.Cleanup.class)
class ReadersTest {
    private static final int READERS = 6;
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

    private void recordOneSession(ProxyProcess proxy) throws Exception {
        TestClient client = TestClient.connect(proxy.uri("/chat"));
        client.sendText("{\"type\":\"hello\"}");
        client.events.nextText();
        client.sendClose(1000, "bye");
        client.events.nextClose();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                !Json.MAPPER.readTree(Cli.run("sessions", "--db", db.toString(), "--json")).path(0).path("endedAt").isNull());
    }

    /** Half 'sessions', half 'frames', all started before any has finished. */
    private void readersAtOnceAllSucceed() throws Exception {
        List<ChildProcess> running = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            running.add(i % 2 == 0 ? ProxyProcess.launch("sessions", "--db", db.toString(), "--json")
                    : ProxyProcess.launch("frames", "1", "--db", db.toString(), "--json"));
        }
        for (int i = 0; i < READERS; i++) {
            ProxyProcess.Result r = ProxyProcess.finish(running.get(i));
            assertThat(r.code()).as("reader %d exit code; stderr: %s", i, r.err()).isZero();
            JsonNode out = Json.MAPPER.readTree(r.out());
            if (i % 2 == 0) {
                assertThat(out.path(0).path("frames").asInt()).isEqualTo(4);
            } else {
                assertThat(out).hasSize(4);
                assertThat(out.get(0).get("text").asText()).isEqualTo("{\"type\":\"hello\"}");
            }
        }
    }

    @Test
    void anyNumberOfReadersAtOnceWithNoProxyRunning() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            recordOneSession(proxy);
            proxy.terminate();
        }
        readersAtOnceAllSucceed();
    }

    @Test
    void anyNumberOfReadersAtOnceWhileAProxyRecords() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            recordOneSession(proxy);
            readersAtOnceAllSucceed();
        }
    }

    @Test
    void aProxyStartsWhileReadersHoldTheFile() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            recordOneSession(proxy);
            proxy.terminate();
        }
        List<ChildProcess> readers = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            readers.add(ProxyProcess.launch("frames", "1", "--db", db.toString(), "--json"));
        }
        try (ProxyProcess proxy = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(proxy.uri("/"));
            client.sendText("second");
            client.events.assertText("second");
            for (ChildProcess p : readers) {
                ProxyProcess.Result r = ProxyProcess.finish(p);
                assertThat(r.code()).as("stderr: %s", r.err()).isZero();
            }
        }
    }
}
