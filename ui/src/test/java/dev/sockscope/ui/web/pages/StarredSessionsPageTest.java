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
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * Stars on the sessions page of a team store in a real headless Chromium: the ☆ button stars a session in the store
 * (★), the "starred only" filter narrows the list to it and is kept in the address, and ★ takes the star away.
 */
class StarredSessionsPageTest {
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
        long now = System.currentTimeMillis() * 1000;
        Handshake h = new Handshake(path, null, List.of(new Header("Host", "chat.example.org")), 101, List.of(), null, List.of());
        store.append(new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false).decodeAll(List.of(
                new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org", "127.0.0.1:50000", h, now)),
                new CaptureEvent.SessionClosed(id, new SessionEnd(now + 1000, 1000, "done", ClosedBy.CLIENT, null)))));
        return id;
    }

    private WebElement star(long id) {
        return browser.driver.findElement(By.cssSelector("#sessions tr[data-id='" + id + "'] button.star"));
    }

    /** The star button's text, read in one step (the row is rebuilt when the star changes). */
    private String starText(long id) {
        return (String) browser.js("const b = document.querySelector(\"#sessions tr[data-id='\" + arguments[0] + \"'] button.star\");"
                + " return b ? b.textContent + ' ' + b.getAttribute('aria-pressed') : null;", String.valueOf(id));
    }

    @Test
    void theStarButtonStarsASessionInTheStoreAndTheFilterFindsIt() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        server = PostgresServer.start();
        StoreLocation.Postgres location = server.newDatabase();
        PgRecordingStore writer = keep(PgRecordingStore.openWriter(location, "laptop", "alpha"));
        long kept = record(writer, "/kept");
        long plain = record(writer, "/plain");
        PgRecordingStore reader = keep(PgRecordingStore.openReader(location));
        StorePollingSource live = keep(new StorePollingSource(reader, 250, reader.changeSignal()));
        InspectorApp app = keep(new InspectorApp(reader, live, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start());
        browser = new Browser(1400, 900);
        browser.driver.get("http://127.0.0.1:" + app.port() + "/#/sessions");
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#sessions tbody tr[data-id]")).size() == 2);
        assertThat(starText(kept)).isEqualTo("☆ false");

        star(kept).click();
        browser.waiting(DEADLINE).until(d -> "★ true".equals(starText(kept)));
        assertThat(browser.driver.getCurrentUrl()).as("the button does not open the session").contains("#/sessions");
        assertThat(writer.session(kept).orElseThrow().starred()).as("the star is in the store").isTrue();
        assertThat(starText(plain)).isEqualTo("☆ false");

        browser.driver.findElement(By.id("session-starred")).click();
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#sessions tbody tr[data-id]")).size() == 1);
        assertThat(browser.driver.findElement(By.cssSelector("#sessions tbody tr[data-id]")).getAttribute("data-id"))
                .isEqualTo(String.valueOf(kept));
        browser.waiting(DEADLINE).until(d -> d.getCurrentUrl().contains("starred=true"));

        star(kept).click();
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#sessions tbody tr[data-id]")).isEmpty());
        assertThat(writer.session(kept).orElseThrow().starred()).isFalse();
        assertThat(browser.console()).as("no errors in the console")
                .noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());
    }
}
