package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import dev.sockscope.proxy.testing.TestClient;

/**
 * A client that sends binary messages of {@link #SIZE} bytes through the proxy to an echoing upstream, one at a time,
 * each awaiting its echo: so every message it counts has crossed the proxy both ways. Each message differs, and the
 * flood keeps them, so a test can compare them with the recording.
 */
final class EchoFlood {
    static final int SIZE = 256 << 10;
    /** How long one echo may take: the relay may wait for a stalled recorder (--record-wait) before each read. */
    private static final Duration ECHO = Duration.ofSeconds(30);

    final TestClient client;
    final List<byte[]> sent = new ArrayList<>();
    private final Random random = new Random(20);

    EchoFlood(URI uri) throws Exception {
        client = TestClient.connect(uri);
    }

    /** Sends one message and waits for its echo. */
    void sendOne() throws Exception {
        byte[] message = new byte[SIZE];
        random.nextBytes(message);
        client.sendBinary(message);
        assertThat(client.events.nextBinary(ECHO)).as("the echo of message %d", sent.size()).isEqualTo(message);
        sent.add(message);
    }

    void send(int messages) throws Exception {
        for (int i = 0; i < messages; i++) {
            sendOne();
        }
    }

    /** Sends until {@code done} holds, at most {@code max} messages. */
    void sendUntil(BooleanSupplier done, int max) throws Exception {
        while (!done.getAsBoolean()) {
            assertThat(sent.size()).as("messages sent before the condition held").isLessThan(max);
            sendOne();
        }
    }

    /** Closes the session (1000) and waits for the upstream's answer. */
    void close() throws Exception {
        client.sendClose(1000, "done");
        assertThat(client.events.nextClose().code()).isEqualTo(1000);
    }
}
