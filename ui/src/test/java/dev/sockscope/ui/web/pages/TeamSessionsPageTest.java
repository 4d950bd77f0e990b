package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.StorePollingSource;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionInfo;

/**
 * The sessions page on a team store in a real headless Chromium: each session says which proxy recorded it, and the
 * proxy filter (as you type, kept in the address) narrows the list to one proxy's sessions.
 */
class TeamSessionsPageTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private PostgresServer server;
    private final List<AutoCloseable> open = new java.util.ArrayList<>();
    private Browser browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private static long record(RecordingStore store, String path) throws Exception {
        long id = store.nextSessionId();
        Handshake h = new Handshake(path, null, List.of(new Header("Host", "chat.example.org")), 101, List.of(), null, List.of());
        store.append(new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false).decodeAll(List.of(
                new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org", "127.0.0.1:50000", h,
                        System.currentTimeMillis() * 1000)))));
        return id;
    }

    @Test
    void eachSessionShowsItsProxyAndTheProxyFilterNarrowsTheList() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        server = PostgresServer.start();
        StoreLocation.Postgres location = server.newDatabase();
        long alpha = record(keep(PgRecordingStore.openWriter(location, "ci-runner-1", "alpha")), "/alpha");
        long beta = record(keep(PgRecordingStore.openWriter(location, "laptop", "beta")), "/beta");
        PgRecordingStore reader = keep(PgRecordingStore.openReader(location));
        StorePollingSource live = keep(new StorePollingSource(reader, 250, reader.changeSignal()));
        InspectorApp app = keep(new InspectorApp(reader, live, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start());
        browser = new Browser(1400, 900);
        browser.driver.get("http://127.0.0.1:" + app.port() + "/#/sessions");
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#sessions tbody tr[data-id]")).size() == 2);
        WebElement badge = browser.driver.findElement(By.cssSelector("#sessions tr[data-id='" + beta + "'] .badge.proxy"));
        assertThat(badge.getText()).isEqualTo("beta");
        assertThat(badge.getAttribute("title")).isEqualTo("recorded by the proxy beta on laptop");

        browser.driver.findElement(By.id("session-proxy")).sendKeys("ALPH");
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#sessions tbody tr[data-id]")).size() == 1);
        assertThat(browser.driver.findElement(By.cssSelector("#sessions tbody tr[data-id]")).getAttribute("data-id")).isEqualTo(String.valueOf(alpha));
        browser.waiting(DEADLINE).until(d -> d.getCurrentUrl().contains("proxy=ALPH"));
        assertThat(browser.console()).as("no errors in the console")
                .noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());
    }
}
