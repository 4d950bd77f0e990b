package dev.sockscope.proxy.jetty;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.capture.CaptureBus;

/**
 * What the relay tests share: the relay between a real client (JDK or Jetty core) and a real Jetty upstream, all on
 * loopback, in both of its modes: passing bytes through (the default) and terminating each leg (re-framing through
 * Jetty's sessions). Each subclass runs in both modes: {@code @ParameterizedClass @EnumSource(RelayFixture.Mode.class)}
 * sets {@link #mode}.
 */
abstract class RelayFixture {
    enum Mode { PASS_THROUGH, TERMINATING }

    @Parameter
    Mode mode;

    TestUpstream upstream;
    CaptureBus bus;
    EventRecorder events;
    Relay relay;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong(1);

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start();
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        relay = startRelay(RelayOptions.defaults(), upstream.uri());
    }

    Relay startRelay(RelayOptions options, URI... upstreams) throws Exception {
        List<Route> routes = java.util.Arrays.stream(upstreams).map(u -> new Route("127.0.0.1", 0, u)).toList();
        return JettyRelay.start(routes, options.withTerminate(mode == Mode.TERMINATING), bus, ids::getAndIncrement);
    }

    @AfterEach
    void stop() throws Exception {
        relay.stop(Duration.ofSeconds(2));
        bus.close(Duration.ofSeconds(5));
        upstream.close();
    }

    URI proxy(String pathAndQuery) {
        return URI.create("ws://" + relay.boundRoutes().get(0).listen() + pathAndQuery);
    }

    /** An upgrade with RFC 6455's sample key, whose Accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=. */
    static final byte[] RFC_SAMPLE_UPGRADE = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
