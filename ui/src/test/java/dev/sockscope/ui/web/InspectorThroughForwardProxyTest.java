package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.tls.CertificateAuthority;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;

/**
 * Requests that reach the inspector through the forward proxy (a proxy client asking for
 * {@code http://127.0.0.1:INSPECTOR/...}) arrive from loopback with a loopback Host, as the user's own do: the
 * inspector must refuse them without its token, whatever they ask.
 */
class InspectorThroughForwardProxyTest {
    @TempDir
    Path home;
    private TestUpstream upstream;
    private ProxyRuntime runtime;
    private InspectorApp inspector;
    private int forwardPort;
    private long sessionId;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start();
        ForwardProxy forward = new ForwardProxy("127.0.0.1", 0, List.of(), List.of(), CertificateAuthority.openOrCreate(home.resolve("ca")));
        runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), forward, RelayOptions.defaults(),
                home.resolve("recordings"), false, ProtocolRegistry.builtIn());
        String listen = runtime.relay().forwardListen().orElseThrow();
        forwardPort = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        TestClient client = TestClient.connect(new java.net.URI("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/"));
        client.sendClose(1000, "done");
        runtime.awaitRecorded(Duration.ofSeconds(30));
        List<SessionRecord> sessions = runtime.store().sessions(10);
        assertThat(sessions).hasSize(1);
        sessionId = sessions.get(0).info().id();
        inspector = new InspectorApp(runtime.store(), new TestSource(), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (inspector != null) {
            inspector.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        upstream.close();
    }

    @Test
    void absoluteUriRequestsThroughTheForwardListenerAreRefusedAndDeleteNothing() throws Exception {
        int ui = inspector.port();
        for (String host : List.of("127.0.0.1:" + ui, "localhost:" + ui)) {
            String read = exchange(forwardPort, "GET http://" + host + "/api/sessions HTTP/1.1", "Host: " + host);
            assertThat(read).startsWith("HTTP/1.1 403").contains("forward proxy").doesNotContain("\"id\"");
            String delete = exchange(forwardPort, "DELETE http://" + host + "/api/sessions/" + sessionId + " HTTP/1.1", "Host: " + host);
            assertThat(delete).startsWith("HTTP/1.1 403");
        }
        // An upgrade through the forward listener to the inspector: the inspector's refusal (it has no WebSocket
        // endpoint) is what the client gets, never data.
        String upgrade = exchange(forwardPort, "GET ws://127.0.0.1:" + ui + "/api/sessions HTTP/1.1", "Host: 127.0.0.1:" + ui,
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
        assertThat(upgrade).matches("(?s)HTTP/1.1 4\\d\\d .*").doesNotContain("\"id\"");

        // The user's own requests, straight to the inspector, still work, and the session is still there.
        String direct = exchange(ui, "GET /api/sessions/" + sessionId + " HTTP/1.1", "Host: 127.0.0.1:" + ui);
        assertThat(direct).startsWith("HTTP/1.1 200");
        assertThat(runtime.store().sessions(10)).anyMatch(s -> s.info().id() == sessionId);
    }

    /** Sends the request head (no body) and returns the whole answer, head and body, read until the server closes. */
    private static String exchange(int port, String... head) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((String.join("\r\n", head) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
