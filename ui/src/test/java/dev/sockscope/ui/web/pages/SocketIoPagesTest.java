package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.web.DecodedLiveSource;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.wire.Capture;

/**
 * A protocol with a text envelope in the inspector, in a real headless Chromium: socket.io-client's and socket.io's
 * capture played again through the real proxy (both sides in lock step, the client on {@code /socket.io/?EIO=4}),
 * recorded into a real H2 folder, then the sessions list, an event's row and decoded tree, and a label filter that
 * finds the event and its ack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketIoPagesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Path CAPTURE = Path.of("..", "decoder", "src", "test", "resources", "captures", "socket.io", "01-chat-bot.frames")
            .toAbsolutePath().normalize();

    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private Browser browser;
    private HttpClient http; // held: a client that is collected closes its sockets
    private long session;
    private String base;

    @BeforeAll
    void recordTheCaptureAndOpenABrowser() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        CapturePlayer player = new CapturePlayer(Capture.read(CAPTURE, "01-chat-bot"));
        sims = SimulatorServer.start("127.0.0.1", List.of(player.server("socket.io")));
        runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("socket.io"))), RelayOptions.defaults(), db, false,
                ProtocolRegistry.builtIn());
        http = HttpClient.newHttpClient();
        URI proxied = URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/socket.io/?EIO=4&transport=websocket");
        player.client(http, proxied).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        runtime.awaitRecorded(DEADLINE);
        Awaitility.await().atMost(DEADLINE).until(() -> !runtime.store().sessions(1).isEmpty() && !runtime.store().sessions(1).get(0).isOpen());
        session = runtime.store().sessions(1).get(0).id();
        app = new InspectorApp(runtime.store(), DecodedLiveSource.attach(runtime.decoded()), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).start();
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

    private void open(String hash) {
        browser.driver.get("about:blank");
        browser.console();
        browser.driver.get(base + hash);
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = browser.waiting(DEADLINE);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private List<WebElement> rows() {
        return browser.driver.findElements(By.cssSelector("#timeline .tl-rows .tl-row[data-seq]:not([data-seq=''])"));
    }

    private WebElement row(long seq) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .tl-row[data-seq='" + seq + "']")));
    }

    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector(".c-" + column)).getText();
    }

    private List<StoredFrame> stored() throws Exception {
        return runtime.store().storedFrames(session, 0, 10_000);
    }

    /** The first stored frame with this label and kind. */
    private StoredFrame first(String label, Kind kind) throws Exception {
        return stored().stream().filter(f -> f.decoding().label().equals(label) && f.decoding().kind() == kind).findFirst().orElseThrow();
    }

    private void noConsoleErrors() {
        List<LogEntry> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors and CSP violations").isEmpty();
    }

    @Test
    void theSessionsListSaysSocketIo() throws Exception {
        SessionRecord recorded = runtime.store().sessions(1).get(0);
        assertThat(recorded.protocol()).isEqualTo("socket.io");
        open("#/");
        WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#sessions tr[data-id='" + session + "']")));
        assertThat(row.findElement(By.cssSelector(".badge.protocol")).getText()).isEqualTo("socket.io");
        noConsoleErrors();
    }

    @Test
    void anEventsRowShowsItsNameAndItsDetailTheArgumentsTreeAndItsAck() throws Exception {
        StoredFrame chat = first("chat", Kind.REQUEST);
        StoredFrame ack = first("chat", Kind.RESPONSE);
        open("#/sessions/" + session);
        WebElement row = row(chat.seq());
        assertThat(cell(row, "label")).isEqualTo("chat");
        row.click();
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "chat"));
        WebElement detail = browser.driver.findElement(By.id("detail"));
        String tree = detail.findElement(By.cssSelector(".tree")).getText();
        assertThat(tree).contains("event", "chat", "args", "text", "hello", "ackId", "namespace");
        assertThat(detail.getText()).contains("Answered by #" + ack.seq());
        browser.screenshot("socket-io-event");
        noConsoleErrors();
    }

    @Test
    void theAuthTokenIsNotShown() throws Exception {
        StoredFrame connect = first("CONNECT", Kind.REQUEST);
        open("#/sessions/" + session + "?frame=" + connect.seq());
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "CONNECT"));
        WebElement detail = browser.driver.findElement(By.id("detail"));
        assertThat(detail.findElement(By.cssSelector(".tree")).getText()).contains("token", "bot-1");
        assertThat(browser.driver.getPageSource()).doesNotContain("s3cr3t-socketio-token");
    }

    @Test
    void filteringByTheEventsLabelShowsTheEventAndItsAck() throws Exception {
        List<Long> chats = stored().stream().filter(f -> f.decoding().label().equals("chat")).map(StoredFrame::seq).toList();
        assertThat(chats).contains(first("chat", Kind.REQUEST).seq(), first("chat", Kind.RESPONSE).seq());
        open("#/sessions/" + session);
        row(1);
        browser.driver.findElement(By.id("filter-label")).sendKeys("chat");
        waiting().until(d -> rows().size() == chats.size() && rows().stream().allMatch(r -> cell(r, "label").equals("chat")));
        assertThat(rows()).extracting(r -> Long.parseLong(r.getAttribute("data-seq"))).containsExactlyElementsOf(chats);
        assertThat(rows()).extracting(r -> cell(r, "kind")).contains("request", "response", "event");
        assertThat(browser.driver.getCurrentUrl()).contains("label=chat");
        noConsoleErrors();
    }
}
