package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.LiveSource;
import dev.sockscope.ui.web.pages.Browser;

/**
 * The inspector in a real headless Chromium over a recorded feed of binary frames (MessagePack, gzip'd JSON, base64
 * of gzip inside JSON, random bytes, as {@link BinaryPayloadsTest} sends them through the proxy): a MessagePack frame
 * is labelled by its {@code type} and its detail shows the decoded tree, and the base64 payload inside a JSON frame is
 * shown opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinaryInspectorPageTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private H2RecordingStore store;
    private InspectorApp app;
    private Browser browser;
    private long session;
    private String base;

    @BeforeAll
    void recordAFeedAndOpenABrowser(@TempDir Path temp) throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        Path db = temp.resolve("db");
        try (SimulatorServer upstream = SimulatorServer.start("127.0.0.1", List.of(new BinaryPayloadsTest.FeedServer()));
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, upstream.uri("feed"))), RelayOptions.defaults(), db,
                     false, ProtocolRegistry.builtIn())) {
            TestClient feed = TestClient.connect(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/"));
            feed.sendText("go");
            feed.events.nextBinary();
            feed.events.nextBinary();
            feed.events.nextText();
            feed.events.nextBinary();
            feed.events.nextBinary(Duration.ofSeconds(20));
            feed.sendClose(1000, "bye");
            feed.events.nextClose();
            runtime.awaitRecorded(Duration.ofSeconds(30));
        }
        store = H2RecordingStore.open(db);
        session = store.sessions(10).get(0).id();
        LiveSource nothingLive = new LiveSource() {
            @Override
            public AutoCloseable subscribe(java.util.function.Consumer<dev.sockscope.ui.web.LiveEvent> listener) {
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
        app = new InspectorApp(store, nothingLive, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start();
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
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aMessagePackFrameShowsItsTreeAndANestedPayloadIsOpened() throws Exception {
        browser.driver.get(base + "#/sessions/" + session);
        WebElement msgpack = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .tl-row[data-seq='2']")));
        assertThat(cell(msgpack, "label")).isEqualTo("price");
        msgpack.click();
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "price"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .tree"), "ACME"));
        assertThat(browser.driver.findElement(By.cssSelector("#detail .tree")).getText()).contains("type", "price", "symbol", "bid", "12.5");
        browser.screenshot("binary-msgpack");

        browser.driver.findElement(By.cssSelector("#timeline .tl-row[data-seq='4']")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "bulk"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .tree"), "base64 → gzip → json"));
        assertThat(browser.driver.findElement(By.cssSelector("#detail .tree")).getText()).contains("42");
        browser.screenshot("binary-base64-gzip");
        List<LogEntry> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors and CSP violations").isEmpty();
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = browser.waiting(DEADLINE);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector(".c-" + column)).getText();
    }
}
