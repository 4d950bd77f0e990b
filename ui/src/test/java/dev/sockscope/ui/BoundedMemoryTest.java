package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;

/**
 * The probe, as a test: eight clients each send a 60 MiB message (under the default limit) at once
 * through a proxy with a 1 GiB heap. It used to run out of memory and stop serving; now every message
 * passes whole, what does not fit the memory budget is recorded in part and says so, and the proxy goes on.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class BoundedMemoryTest {
    private static final int CLIENTS = 8;
    private static final int SIZE = 60 << 20;

    @TempDir
    Path db;
    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start(c -> {
            c.setMaxBinaryMessageSize(SIZE);
            c.setMaxFrameSize(SIZE);
        });
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    @Test
    void eightClientsSendingSixtyMibEachThroughAOneGibHeap() throws Exception {
        byte[] message = new byte[SIZE];
        new Random(3).nextBytes(message);
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx1g"), db, upstream.uri())) {
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(TestClient.connect(proxy.uri("/big")));
            }
            for (TestClient c : clients) {
                c.socket.sendBinary(ByteBuffer.wrap(message), true);
            }
            for (TestClient c : clients) {
                // The recorder sets the pace (the relay waits while the capture queue is full): allow for a slow disk.
                WebSocketRecorder.Event got = c.events.next(Duration.ofSeconds(120));
                if (!(got instanceof WebSocketRecorder.Binary echo)) {
                    throw new AssertionError("expected the echo, got " + got + "; proxy output: " + String.join("\n", proxy.output()));
                }
                assertThat(echo.bytes()).as("the echo, whole").isEqualTo(message);
            }
            for (TestClient c : clients) {
                c.socket.sendClose(1000, "done").get(30, TimeUnit.SECONDS);
                assertThat(c.events.nextClose().code()).isEqualTo(1000);
            }
            // Still serving.
            TestClient after = TestClient.connect(proxy.uri("/after"));
            after.socket.sendText("still here", true).get(30, TimeUnit.SECONDS);
            after.events.assertText("still here");
            after.socket.sendClose(1000, "").get(30, TimeUnit.SECONDS);
            after.events.nextClose();
            String output = String.join("\n", proxy.output());
            assertThat(output).doesNotContain("OutOfMemoryError").doesNotContain("recording failed");
            assertThat(proxy.terminate()).as(output).isIn(0, 143);
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            List<SessionRecord> sessions = store.sessions(100);
            assertThat(sessions).hasSize(CLIENTS + 1);
            int partly = 0;
            for (SessionRecord s : sessions) {
                assertThat(s.end().error()).as("session %d", s.id()).isNull();
                if (!s.info().handshake().path().equals("/big")) {
                    continue;
                }
                List<StoredFrame> frames = store.storedFrames(s.id(), 0, 10);
                assertThat(frames).hasSize(4); // the message, its echo, both closes
                for (StoredFrame f : frames.subList(0, 2)) {
                    assertThat(f.frame().wire().messageBytes()).isEqualTo(SIZE);
                    if (f.frame().size() < SIZE) {
                        partly++;
                        assertThat(f.frame().note()).startsWith("recorded in part: the memory for messages in progress");
                    } else {
                        assertThat(f.frame().note()).isNull();
                    }
                }
            }
            assertThat(partly).as("16 messages of 60 MiB at once do not all fit a quarter of 1 GiB").isPositive();
        }
    }
}
