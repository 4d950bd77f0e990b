package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.LiveSource;
import dev.sockscope.ui.web.pages.Browser;
import dev.sockscope.wire.Direction;

/**
 * The inspector over a real MQTT session (mqtt.js and aedes through the proxy, as {@link MqttPeersTest} runs them) in a
 * real headless Chromium: the session is MQTT, a PUBLISH shows its topic as the label and its topic and decoded payload
 * in the detail, and filtering by the topic shows the PUBLISHes and their PUBACKs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqttInspectorPageTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private H2RecordingStore store;
    private InspectorApp app;
    private Browser browser;
    private long session;
    private String base;

    @BeforeAll
    void recordMqttAndOpenABrowser(@TempDir Path temp) throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        Path recordings = temp.resolve("recordings");
        PeerRun run = PeerHarness.run(Scenario.node("mqtt", List.of(MqttPeersTest.PASSWORD, "wrong-password")), recordings);
        session = run.session(0).session().id();
        store = H2RecordingStore.open(recordings);
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
    void aPublishShowsItsTopicAndPayloadAndFilteringByTopicShowsItsPubacks() throws Exception {
        List<StoredFrame> frames = store.storedFrames(session, 0, 10_000);
        List<StoredFrame> onTopic = frames.stream().filter(f -> f.decoding() != null && f.decoding().label().contains("chat/qos1")).toList();
        StoredFrame publish = onTopic.stream()
                .filter(f -> f.decoding().label().equals("PUBLISH chat/qos1") && f.frame().from() == Direction.CLIENT_TO_SERVER)
                .findFirst().orElseThrow();
        StoredFrame puback = frames.stream().filter(f -> publish.seq() == nullToZero(f.decoding().correlatesWith())).findFirst().orElseThrow();

        browser.driver.get(base + "#/sessions/" + session);
        waiting().until(ExpectedConditions.textToBe(By.cssSelector(".session-title .badge.protocol"), "mqtt"));

        browser.driver.findElement(By.id("filter-label")).sendKeys("chat/qos1");
        waiting().until(d -> rows().size() == onTopic.size()
                && rows().stream().allMatch(r -> cell(r, "label").contains("chat/qos1")));
        assertThat(rows()).extracting(r -> cell(r, "label"))
                .containsExactlyElementsOf(onTopic.stream().map(f -> f.decoding().label()).toList())
                .contains("PUBLISH chat/qos1", "PUBACK chat/qos1");
        assertThat(browser.driver.getCurrentUrl()).contains("label=chat");

        WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#timeline .tl-row[data-seq='" + publish.seq() + "']")));
        assertThat(cell(row, "kind")).isEqualTo("request");
        row.click();
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "PUBLISH chat/qos1"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .tree"), "hello at least once"));
        WebElement detail = browser.driver.findElement(By.id("detail"));
        assertThat(detail.findElement(By.cssSelector(".tree")).getText()).contains("topic", "chat/qos1", "qos", "payload", "text", "hello at least once");
        assertThat(detail.getText()).contains("request", "Answered by #" + puback.seq());
        browser.screenshot("mqtt-publish");
        List<LogEntry> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors and CSP violations").isEmpty();
    }

    private static long nullToZero(Long seq) {
        return seq == null ? 0 : seq;
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = browser.waiting(DEADLINE);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private List<WebElement> rows() {
        return browser.driver.findElements(By.cssSelector("#timeline .tl-rows .tl-row[data-seq]:not([data-seq=''])"));
    }

    private static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector(".c-" + column)).getText();
    }
}
