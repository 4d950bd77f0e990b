package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.ui.web.pages.Browser;

/**
 * docs/recording.md: while recording lags, every page of the inspector shows "Recording N s behind: S sessions, X MiB
 * queued" in its header, and nothing once it has caught up. The proxy is a real process whose recorder is stalled on
 * cue ({@link StalledRecorder}); the page is its own inspector in headless Chromium, which asks /api/status every 2 s.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class RecordingLagHeaderPageTest {
    private static final Pattern SHOWN = Pattern.compile("^Recording (\\d+) s behind: 1 session, (\\d+\\.\\d) MiB queued$");
    /** Two polls of the page and a catch-up, with room for a busy machine. */
    private static final Duration PAGE = Duration.ofSeconds(20);

    @TempDir
    Path db;
    private TestUpstream upstream;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private String indicator() {
        return (String) browser.js("const e = document.getElementById('recording-lag');"
                + " return e.hidden ? null : e.textContent;");
    }

    @Test
    void theHeaderShowsHowFarBehindRecordingIsWhileItLagsAndNothingOnceItCaughtUp() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of(StalledRecorder.AGENT, "-Xmx256m"), db, upstream.uri(),
                RecordingLagLogTest.OPTIONS);
             StalledRecorder recorder = StalledRecorder.attach(proxy)) {
            browser = new Browser(1200, 800);
            browser.driver.get(proxy.inspector().resolve("/").toString());
            EchoFlood flood = new EchoFlood(proxy.uri("/flood"));
            flood.send(2);
            browser.waiting(PAGE).until(d -> browser.js("return document.getElementById('sessions') !== null"
                    + " && document.querySelectorAll('#sessions tr[data-id]').length > 0"));
            assertThat(indicator()).as("nothing in the header while recording keeps up").isNull();

            recorder.stall();
            flood.sendUntil(() -> proxy.output().stream().anyMatch(l -> RecordingLagLogTest.BEHIND.matcher(l).find()), 200);
            // The seconds count up while it lasts: wait for the header to say 2 s or more.
            browser.waiting(PAGE).until(d -> {
                String text = indicator();
                Matcher m = text == null ? null : SHOWN.matcher(text);
                return m != null && m.matches() && Integer.parseInt(m.group(1)) >= 2;
            });
            Matcher shown = SHOWN.matcher(indicator());
            assertThat(shown.matches()).isTrue();
            assertThat(Double.parseDouble(shown.group(2))).as("at least the capture queue's 8 MiB: %s", shown.group())
                    .isGreaterThanOrEqualTo(7.9);

            recorder.release();
            proxy.child.awaitLine(RecordingLagLogTest.CAUGHT_UP, PAGE);
            browser.waiting(PAGE).until(d -> indicator() == null);
            flood.close();
        }
    }
}
