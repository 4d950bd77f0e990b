package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.intercept.DecodedLabels;
import dev.sockscope.ui.web.DecodedLiveSource;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;

/**
 * The Intercept page and the composer in a real headless Chromium, on the demo's MAX through the real proxy: a
 * breakpoint set from the page holds the client's LOGIN; its token is changed in the JSON editor and it is forwarded;
 * MAX refuses the changed token; the session's timeline marks the login as edited, and its detail shows the original;
 * a message composed on the session page reaches the client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterceptPagesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private Browser browser;
    private String base;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        sims = SimulatorServer.start("127.0.0.1", Simulators.all());
        runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(), db, false,
                ProtocolRegistry.builtIn());
        app = new InspectorApp(runtime.store(), DecodedLiveSource.attach(runtime.decoded()), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).intercept(runtime.relay(), new DecodedLabels(ProtocolRegistry.builtIn())).start();
        base = "http://127.0.0.1:" + app.port() + "/";
        browser = new Browser(1400, 900);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (sims != null) {
            sims.close();
        }
    }

    private static final class Client implements WebSocket.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    /** Waits for {@code done}; on a timeout, fails with what the page and the client show (a rare failure's evidence). */
    private void awaitOrSayWhatThePageShows(java.util.concurrent.Callable<Boolean> done, Client client) {
        try {
            await().atMost(DEADLINE).until(done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            var driver = browser.driver;
            String page = driver.findElements(By.id("intercept-status")).stream().map(WebElement::getText).findFirst().orElse("?")
                    + " | held: " + driver.findElements(By.id("held")).stream().map(WebElement::getText).findFirst().orElse("?");
            throw new AssertionError("not within " + DEADLINE + "; the client got " + client.received + "; the page shows: "
                    + page + "; held by the proxy: " + runtime.relay().intercept().held() + "; console: " + browser.console(), e);
        }
    }

    private WebElement byId(String id) {
        return browser.waiting(DEADLINE).until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    @Test
    void holdEditInTheJsonEditorForwardAndSeeTheEditInTheTimelineThenCompose() throws Exception {
        var driver = browser.driver;
        driver.get(base + "#/intercept");
        byId("bp-pointer").sendKeys("/opcode");
        byId("bp-value").sendKeys("19");
        new org.openqa.selenium.support.ui.Select(byId("bp-direction")).selectByValue("client");
        byId("bp-set").click();
        browser.waiting(DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.id("breakpoints"), "pointer /opcode"));

        Client client = new Client();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/websocket"), client).get();
        ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"deviceType\":\"WEB\"}}", true).get();
        ws.sendText("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\",\"chatsCount\":40}}", true).get();

        WebElement held = browser.waiting(DEADLINE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#held article.held")));
        assertThat(held.getText()).contains("LOGIN").contains("from client");
        assertThat(held.findElement(By.cssSelector(".held-view")).getText()).as("the decoded tree").contains("token");
        held.findElement(By.cssSelector(".held-edit")).click();
        WebElement token = browser.waiting(DEADLINE).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#held article.held input[data-pointer='/payload/token']")));
        // The decoded label follows the edit as it is typed.
        WebElement opcode = held.findElement(By.cssSelector("input[data-pointer='/opcode']"));
        opcode.clear();
        opcode.sendKeys("49");
        browser.waiting(DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".held-label-value"), "CHAT_HISTORY"));
        opcode.clear();
        opcode.sendKeys("19");
        browser.waiting(DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".held-label-value"), "LOGIN"));
        token.clear();
        token.sendKeys("expired-token");
        held.findElement(By.cssSelector(".held-forward")).click();
        awaitOrSayWhatThePageShows(() -> client.received.size() == 2, client);
        assertThat(client.received.get(1)).contains("login.token");
        browser.waiting(DEADLINE).until(ExpectedConditions.visibilityOfElementLocated(By.id("held-none")));

        await().atMost(DEADLINE).until(() -> !runtime.store().sessions(10).isEmpty());
        long session = runtime.store().sessions(10).get(0).id();
        driver.get(base + "#/sessions/" + session);
        WebElement edited = browser.waiting(DEADLINE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".tl-row.touch-edited")));
        assertThat(edited.findElement(By.cssSelector(".c-type")).getText()).isEqualTo("text · edited");
        edited.click();
        browser.waiting(DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail"), "edited by the user"));
        // The token is a secret: the recording masks it, in the edited message and in its original alike.
        assertThat(byId("detail").getText()).contains("Original").contains("chatsCount").doesNotContain("An9xQ2hY7tLp0s-secret");

        // Resend opens it in the composer; sent to the client, the client gets it.
        byId("detail-resend").click();
        WebElement body = byId("compose-body");
        assertThat(body.getAttribute("value")).contains("\"opcode\":19");
        body.clear();
        body.sendKeys("{\"cmd\":0,\"seq\":9,\"opcode\":128,\"payload\":{\"text\":\"<b>composed</b>\"}}");
        new org.openqa.selenium.support.ui.Select(byId("compose-to")).selectByValue("client");
        byId("compose-send").click();
        browser.waiting(DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.id("compose-result"), "Sent as frame #"));
        await().atMost(DEADLINE).until(() -> client.received.size() == 3);
        assertThat(client.received.get(2)).contains("<b>composed</b>");

        List<LogEntry> console = browser.console();
        assertThat(console).as("no page errors or CSP violations").noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());
        ws.sendClose(1000, "done").get();
    }
}
