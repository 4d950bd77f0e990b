package dev.sockscope.ui.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.tls.CertificateAuthority;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;

/** The forward proxy with real sockets: the JDK client through CONNECT, TLS intercepted with Sockscope's CA. */
@ExtendWith(ChildProcess.Cleanup.class)
class ForwardProxyTest {
    @TempDir
    static Path keys;
    private static Path keystore;
    /** Per test, so that one test's handshakes are not the next one's. */
    private TestUpstream upstream;

    @TempDir
    Path home;
    private ProxyRuntime runtime;
    private CertificateAuthority ca;

    @BeforeAll
    static void makeUpstreamKey() throws Exception {
        keystore = Tls.selfSignedKeystore(keys);
    }

    @BeforeEach
    void startSelfSignedUpstream() throws Exception {
        upstream = TestUpstream.startTls(keystore, Tls.PASSWORD);
    }

    @AfterEach
    void stopProxyAndUpstream() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        upstream.close();
    }

    private InetSocketAddress startForward(boolean insecure, List<String> intercept) throws Exception {
        ca = CertificateAuthority.openOrCreate(home.resolve("ca"));
        runtime = ProxyRuntime.start(List.of(), new ForwardProxy("127.0.0.1", 0, intercept, List.of(), ca),
                RelayOptions.defaults().withInsecure(insecure), home.resolve("recordings"), false, ProtocolRegistry.builtIn());
        String listen = runtime.relay().forwardListen().orElseThrow();
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)));
    }

    private HttpClient clientThrough(InetSocketAddress proxy) throws Exception {
        return HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).sslContext(Tls.trusting(ca.certificate())).build();
    }

    @Test
    void aJdkClientThroughTheForwardProxyIsRelayedRecordedWithTheRealUrlAndDecoded() throws Exception {
        InetSocketAddress proxy = startForward(true, List.of());
        Texts received = new Texts();
        URI url = URI.create("wss://localhost:" + upstream.port() + "/rpc?room=7");
        WebSocket ws = clientThrough(proxy).newWebSocketBuilder().buildAsync(url, received).get(20, TimeUnit.SECONDS);
        String request = "{\"name\":\"Event.GetConversationList\",\"args\":\"{\\\"user_id\\\":1}\"}";
        ws.sendText(request, true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo(request);
        assertThat(upstream.nextHandshake().path()).isEqualTo("/rpc");
        ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        received.closed.get(10, TimeUnit.SECONDS);
        runtime.awaitRecorded(Duration.ofSeconds(20));

        SessionRecord s = runtime.store().sessions(10).get(0);
        assertThat(s.info().upstream()).isEqualTo("wss://localhost:" + upstream.port() + "/rpc?room=7");
        assertThat(s.info().listen()).isEqualTo(runtime.relay().forwardListen().orElseThrow()).startsWith("forward 127.0.0.1:");
        assertThat(s.info().handshake().status()).isEqualTo(101);
        assertThat(s.end().closeCode()).isEqualTo(1000);
        assertThat(s.protocol()).as(s.protocolReason()).isEqualTo("event-chat");
        List<RecordedFrame> frames = runtime.store().frames(s.id(), 0, 100);
        assertThat(frames).filteredOn(f -> f.from() == Direction.CLIENT_TO_SERVER && request.equals(f.text())).hasSize(1);
        assertThat(frames).filteredOn(f -> f.from() == Direction.SERVER_TO_CLIENT && request.equals(f.text())).hasSize(1);
    }

    @Test
    void pythonWebsocketsTrustingTheCaThroughSslCertFileIsRelayedAndRecorded() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(python), "needs Debian's python3");
        InetSocketAddress proxy = startForward(true, List.of());
        Path script = home.resolve("python_forward_client.py");
        try (InputStream in = ForwardProxyTest.class.getResourceAsStream("/peers/python_forward_client.py")) {
            java.nio.file.Files.copy(in, script);
        }
        String url = "wss://localhost:" + upstream.port() + "/py?lang=python";
        ProcessBuilder pb = new ProcessBuilder(python.toString(), script.toString(), "127.0.0.1", String.valueOf(proxy.getPort()),
                url, "hello from python").redirectErrorStream(true);
        pb.environment().put("SSL_CERT_FILE", ca.certificateFile().toString()); // as docs/forward-proxy.md tells Python users
        ChildProcess p = ChildProcess.start(pb);
        int code = p.awaitExit(ChildProcess.FINISH);
        String output = p.output();
        assertThat(code).as(output + " (is python3-websockets installed? .ci/run installs it)").isZero();
        assertThat(output.strip()).isEqualTo("hello from python");
        runtime.awaitRecorded(Duration.ofSeconds(20));
        SessionRecord s = runtime.store().sessions(10).get(0);
        assertThat(s.info().upstream()).isEqualTo(url);
        assertThat(s.end().closeCode()).isEqualTo(1000);
        assertThat(runtime.store().frames(s.id(), 0, 100))
                .filteredOn(f -> f.from() == Direction.SERVER_TO_CLIENT && "hello from python".equals(f.text())).hasSize(1);
    }

    @Test
    void anIpLiteralWithoutSniGetsACertificateForTheConnectTarget() throws Exception {
        InetSocketAddress proxy = startForward(true, List.of());
        Texts received = new Texts();
        URI url = URI.create("wss://127.0.0.1:" + upstream.port() + "/ip"); // no SNI for an address: the CONNECT target names it
        WebSocket ws = clientThrough(proxy).newWebSocketBuilder().buildAsync(url, received).get(20, TimeUnit.SECONDS);
        ws.sendText("by address", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("by address");
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        received.closed.get(10, TimeUnit.SECONDS);
        runtime.awaitRecorded(Duration.ofSeconds(20));
        assertThat(runtime.store().sessions(10).get(0).info().upstream()).isEqualTo("wss://127.0.0.1:" + upstream.port() + "/ip");
    }

    @Test
    void plainHttpAndHttpsInsideATunnelAreForwardedNotRecorded() throws Exception {
        InetSocketAddress proxy = startForward(true, List.of());
        try (TestUpstream plain = TestUpstream.start()) {
            HttpClient client = clientThrough(proxy);
            for (String url : List.of("http://127.0.0.1:" + plain.port() + "/status/418", "https://localhost:" + upstream.port() + "/status/418")) {
                java.net.http.HttpResponse<String> answer = client.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(url).isEqualTo(418);
                assertThat(answer.headers().firstValue("X-Refused-By")).as(url).hasValue("test-upstream");
                assertThat(answer.body()).as(url).isEqualTo("refused 418");
            }
        }
        assertThat(runtime.store().sessions(10)).isEmpty();
    }

    @Test
    void anAbsoluteWsUriUpgradeOnTheListenerIsRelayedAndRecorded() throws Exception {
        InetSocketAddress proxy = startForward(false, List.of());
        try (TestUpstream plain = TestUpstream.start();
             Socket client = new Socket(proxy.getAddress(), proxy.getPort())) {
            client.setSoTimeout(10_000);
            String target = "ws://127.0.0.1:" + plain.port() + "/plain?x=1";
            client.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + plain.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(client.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101").contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(plain.nextHandshake().path()).isEqualTo("/plain");
            client.close();
            runtime.awaitRecorded(Duration.ofSeconds(20));
            SessionRecord s = runtime.store().sessions(10).get(0);
            assertThat(s.info().upstream()).isEqualTo(target);
            assertThat(s.info().listen()).startsWith("forward ");
        }
    }

    @Test
    void aClientThatRefusesSockscopesCertificateIsLoggedWithWhatToDoAndNothingIsDialled() throws Exception {
        InetSocketAddress proxy = startForward(true, List.of());
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err as it is now
        try {
            HttpClient pinning = HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).build(); // trusts the system store only
            CompletableFuture<WebSocket> connecting = pinning.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://localhost:" + upstream.port() + "/pinned"), new Texts());
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> connecting.get(20, TimeUnit.SECONDS));
            assertThat(failure.getCause()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.toString(StandardCharsets.UTF_8))
                    .contains("TLS interception of localhost:" + upstream.port() + " failed: the client refused Sockscope's certificate")
                    .contains("--intercept"));
        } finally {
            System.setErr(stderr);
        }
        upstream.handshakes.assertExhausted(); // nothing dialled for a refused interception
        runtime.awaitRecorded(Duration.ofSeconds(10));
        assertThat(runtime.store().sessions(10)).isEmpty();
    }

    @Test
    void aHostOutsideInterceptIsABlindTunnelThatPassesBytesUntouched() throws Exception {
        InetSocketAddress proxy = startForward(false, List.of("*.example.org"));
        try (ServerSocket echo = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> echoed = CompletableFuture.runAsync(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] bytes = new byte[256 * 64];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i; // every byte value, none of it HTTP or TLS
            }
            try (Socket client = new Socket(proxy.getAddress(), proxy.getPort())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\nHost: 127.0.0.1:" + echo.getLocalPort()
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 200");
                out.write(bytes);
                client.shutdownOutput();
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
            echoed.get(10, TimeUnit.SECONDS);
        }
        runtime.awaitRecorded(Duration.ofSeconds(10));
        assertThat(runtime.store().sessions(10)).as("a blind tunnel records nothing").isEmpty();
    }

    @Test
    void anUntrustedUpstreamCertificateWithoutInsecureIsARecordedError() throws Exception {
        InetSocketAddress proxy = startForward(false, List.of());
        URI url = URI.create("wss://localhost:" + upstream.port() + "/");
        CompletableFuture<WebSocket> connecting = clientThrough(proxy).newWebSocketBuilder().buildAsync(url, new Texts());
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> connecting.get(20, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode()).isEqualTo(502);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<SessionRecord> sessions = runtime.store().sessions(10);
            assertThat(sessions).hasSize(1);
            assertThat(sessions.get(0).end()).isNotNull();
            assertThat(sessions.get(0).end().error()).contains("TLS").contains("--insecure").contains("wss://localhost:" + upstream.port());
            assertThat(sessions.get(0).info().handshake().status()).isEqualTo(502);
        });
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** The text messages a JDK WebSocket received, in order. */
    static final class Texts implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String t = texts.poll(10, TimeUnit.SECONDS);
            assertThat(t).as("a text message within 10 s").isNotNull();
            return t;
        }
    }
}
