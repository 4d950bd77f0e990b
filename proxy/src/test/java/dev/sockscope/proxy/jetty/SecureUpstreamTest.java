package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;

/** wss:// upstreams: the system trust store by default, --insecure for self-signed development servers. */
@ExtendWith(ChildProcess.Cleanup.class)
class SecureUpstreamTest {
    @TempDir
    static Path keys;
    private static TestUpstream upstream;

    @BeforeAll
    static void startSelfSignedUpstream() throws Exception {
        Path keystore = keys.resolve("upstream.p12");
        ChildProcess.run(ChildProcess.jdkTool("keytool",
                "-genkeypair", "-alias", "upstream", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "secret123"));
        upstream = TestUpstream.startTls(keystore, "secret123");
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        upstream.close();
    }

    private CaptureBus bus;
    private EventRecorder events;
    private Relay relay;

    @BeforeEach
    void startBus() {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
    }

    @AfterEach
    void stopRelayAndBus() {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        bus.close(Duration.ofSeconds(5));
    }

    private static Relay relay(boolean insecure, CaptureBus bus) throws Exception {
        AtomicLong ids = new AtomicLong(1);
        return JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())),
                RelayOptions.defaults().withInsecure(insecure), bus, ids::getAndIncrement);
    }

    @Test
    void insecureAcceptsASelfSignedUpstream() throws Exception {
        assertThat(upstream.uri().getScheme()).isEqualTo("wss");
        relay = relay(true, bus);
        TestClient client = TestClient.connect(URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/main?status=2"));
        client.sendText("over tls");
        client.events.assertText("over tls");
        assertThat(upstream.nextHandshake().query()).isEqualTo("status=2");
        client.sendClose(1000, "");
        events.awaitClosed(events.awaitOpened().id());
    }

    @Test
    void withoutInsecureASelfSignedUpstreamIsABadGatewayThatSaysWhy() throws Exception {
        relay = relay(false, bus);
        Throwable failure = TestClient.connectFailure(URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/"));
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(502);
        String error = events.awaitClosed(events.awaitOpened().id()).error();
        assertThat(error).contains("TLS handshake failed").contains("--insecure");
    }
}
