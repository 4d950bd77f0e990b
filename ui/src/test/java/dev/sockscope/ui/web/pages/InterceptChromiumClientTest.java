package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.HeldMessage;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Headless Chromium as the WebSocket client, at its defaults (permessage-deflate with context takeover), through the
 * proxy to Node {@code ws} (the same): a message edited in the middle of the stream, then 2 000 messages of 16 B to
 * 256 KiB echoed intact, which needs the proxy's re-encoding of the edited direction to be right for Chromium's inflater.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterceptChromiumClientTest {
    private Process server;
    private CaptureBus bus;
    private Relay relay;
    private InterceptPoint intercept;
    private Browser browser;
    /** A blank page on loopback for the client script to run in (a data: page may not reach a loopback address). */
    private com.sun.net.httpserver.HttpServer page;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        Path peers = Path.of("src/test/node/peers").toAbsolutePath();
        assertThat(peers.resolve("node_modules/ws")).as("run 'npm ci' in " + peers).exists();
        server = new ProcessBuilder("node", "intercept/ws.js", "serve").directory(peers.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(line).startsWith("listening ");
        int port = Integer.parseInt(line.substring("listening ".length()).trim());
        bus = new CaptureBus();
        intercept = InterceptPoint.withoutLabels();
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + port))), null, RelayOptions.defaults(),
                bus, new AtomicLong(1)::getAndIncrement, intercept);
        browser = new Browser(800, 600);
        page = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            byte[] body = "<!doctype html><title>client</title>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        page.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (page != null) {
            page.stop(0);
        }
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        if (bus != null) {
            bus.close(Duration.ofSeconds(10));
        }
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private static final String SCRIPT = """
            const [url, count, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            const ws = new WebSocket(url);
            ws.binaryType = 'arraybuffer';
            const next = () => new Promise(resolve => ws.addEventListener('message', e => resolve(e.data), {once: true}));
            const words = ['chat', 'opcode', 'token', 'room', 'привет', 'seq'];
            let seed = 7;
            const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
            ws.onerror = () => done(JSON.stringify({error: 'websocket error'}));
            ws.onopen = async () => {
              const result = {extensions: ws.extensions, ok: 0, failed: []};
              ws.send('EDIT-ME');
              result.edited = await next();
              for (let i = 0; i < count; i++) {
                const size = i % 400 === 399 ? 262144 : Math.floor(16 * 2 ** (random() ** 2 * 10));
                let sent;
                if (i % 2 === 0) {
                  let s = '';
                  while (s.length < size) s += words[Math.floor(random() * words.length)] + ' ' + i + ' ';
                  sent = s.slice(0, size);
                } else {
                  sent = new Uint8Array(size).map((_, k) => (k * 31 + i) & (i % 4 === 1 ? 255 : 7));
                }
                ws.send(sent);
                const got = await next();
                const same = typeof sent === 'string' ? got === sent
                    : got.byteLength === sent.length && new Uint8Array(got).every((b, k) => b === sent[k]);
                if (same) result.ok++; else result.failed.push(i);
                if (result.failed.length > 5) break;
              }
              ws.close(1000, 'done');
              done(JSON.stringify(result));
            };
            """;

    @Test
    void chromiumAtItsDefaultsReadsEveryMessageAfterAnEditInTheMiddleOfACompressedStream() throws Exception {
        intercept.addBreakpoint(new Breakpoint(0, null, null, Direction.CLIENT_TO_SERVER, null, null, null, null, "EDIT-ME", null, null, null, false));
        CompletableFuture<Void> user = CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(60)).until(() -> !intercept.held().isEmpty());
            HeldMessage held = intercept.held().get(0);
            intercept.release(held.id(), new Decision.Replace("EDITED by the user".getBytes(StandardCharsets.UTF_8), FrameType.TEXT));
        });
        browser.driver.get("http://127.0.0.1:" + page.getAddress().getPort() + "/");
        browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(240));
        int count = 2000;
        Object answer = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(SCRIPT,
                "ws://" + relay.boundRoutes().get(0).listen() + "/", count);
        JsonNode result = new ObjectMapper().readTree(String.valueOf(answer));
        assertThat(result.path("error").isMissingNode()).as(String.valueOf(answer)).isTrue();
        user.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.get("extensions").asText()).contains("permessage-deflate");
        assertThat(result.get("edited").asText()).isEqualTo("EDITED by the user");
        assertThat(result.get("failed")).as(String.valueOf(answer)).isEmpty();
        assertThat(result.get("ok").asInt()).isEqualTo(count);
    }
}
