package dev.sockscope.ui.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Real headless Chromium pointed at the forward proxy, Sockscope's CA trusted through an NSS database made with
 * certutil (no --ignore-certificate-errors): it loads a page over HTTPS whose script opens a wss:// WebSocket to the
 * same host, and reports the echo back with a fetch. The page load and the fetch are forwarded, the WebSocket recorded.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class ChromiumForwardTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CERTUTIL = Path.of("/usr/bin/certutil");
    private static final String MESSAGE = "{\"name\":\"Event.GetConversationList\",\"args\":\"{\\\"user_id\\\":1}\"}";

    @TempDir
    Path home;
    private final LinkedBlockingQueue<String> reports = new LinkedBlockingQueue<>();
    private Server pages;
    private TestUpstream upstream;
    private ProxyRuntime runtime;
    private ChildProcess chromium;

    @AfterEach
    void stopAll() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (pages != null) {
            pages.stop();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void chromiumLoadsAnHttpsPageWhoseWebSocketIsRecordedThroughTheForwardProxy() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium at " + CHROMIUM);
        assumeTrue(Files.isExecutable(CERTUTIL), "needs certutil from Debian's libnss3-tools");
        Path keystore = Tls.selfSignedKeystore(Files.createDirectories(home.resolve("keys")));
        upstream = TestUpstream.startTls(keystore, Tls.PASSWORD);
        int pagePort = startPages(keystore, upstream.port());

        CertificateAuthority ca = CertificateAuthority.openOrCreate(home.resolve("ca"));
        // --insecure: the page server and the upstream are self-signed; Chromium itself trusts only Sockscope's CA.
        runtime = ProxyRuntime.start(List.of(), new ForwardProxy("127.0.0.1", 0, List.of(), List.of(), ca),
                RelayOptions.defaults().withInsecure(true), home.resolve("recordings"), false, ProtocolRegistry.builtIn());
        String listen = runtime.relay().forwardListen().orElseThrow().substring("forward ".length());

        Path browserHome = Files.createDirectories(home.resolve("browser-home"));
        Path nss = Files.createDirectories(browserHome.resolve(".pki/nssdb"));
        run(CERTUTIL.toString(), "-d", "sql:" + nss, "-N", "--empty-password");
        run(CERTUTIL.toString(), "-d", "sql:" + nss, "-A", "-t", "C,,", "-n", "sockscope", "-i", ca.certificateFile().toString());

        ProcessBuilder browser = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + Files.createDirectories(home.resolve("profile")),
                "--proxy-server=" + listen, "--proxy-bypass-list=<-loopback>", // Chromium skips proxies for localhost unless told
                "https://localhost:" + pagePort + "/")
                .redirectErrorStream(true).redirectOutput(home.resolve("chromium.log").toFile());
        browser.environment().put("HOME", browserHome.toString());
        chromium = ChildProcess.start(browser);

        String report = reports.poll(60, TimeUnit.SECONDS);
        assertThat(report).as("the page's report (Chromium's log: %s)", home.resolve("chromium.log")).isNotNull();
        assertThat(report).isEqualTo("echo=" + MESSAGE);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SessionRecord> sessions = runtime.store().sessions(10);
            assertThat(sessions).hasSize(1);
            SessionRecord s = sessions.get(0);
            assertThat(s.end()).isNotNull();
            assertThat(s.info().upstream()).isEqualTo("wss://localhost:" + upstream.port() + "/chat?from=page");
            assertThat(s.info().listen()).startsWith("forward 127.0.0.1:");
            assertThat(s.protocol()).isEqualTo("event-chat");
            assertThat(runtime.store().frames(s.id(), 0, 100))
                    .filteredOn(f -> f.from() == Direction.SERVER_TO_CLIENT && MESSAGE.equals(f.text())).hasSize(1);
        });
    }

    /** The page, and {@code /report?...} where its script says what it saw; both on a self-signed HTTPS server. */
    private int startPages(Path keystore, int wsPort) throws Exception {
        String html = "<!doctype html><title>sockscope</title><script>\n"
                + "const ws = new WebSocket('wss://localhost:" + wsPort + "/chat?from=page');\n"
                + "ws.onopen = () => ws.send(" + jsString(MESSAGE) + ");\n"
                + "ws.onmessage = e => fetch('/report?echo=' + encodeURIComponent(e.data)).then(() => ws.close(1000, 'done'));\n"
                + "ws.onerror = () => fetch('/report?error=websocket');\n"
                + "</script>";
        pages = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toString());
        ssl.setKeyStorePassword(Tls.PASSWORD);
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(pages, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        pages.addConnector(connector);
        pages.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                if (path.equals("/report")) {
                    reports.add(URLDecoder.decode(request.getHttpURI().getQuery(), StandardCharsets.UTF_8));
                    response.setStatus(204);
                    callback.succeeded();
                } else if (path.equals("/")) {
                    response.getHeaders().put("Content-Type", "text/html; charset=utf-8");
                    response.write(true, ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8)), callback);
                } else {
                    response.setStatus(404);
                    callback.succeeded();
                }
                return true;
            }
        });
        pages.start();
        return connector.getLocalPort();
    }

    private static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void run(String... command) throws Exception {
        ChildProcess.run(new ProcessBuilder(command));
    }
}
