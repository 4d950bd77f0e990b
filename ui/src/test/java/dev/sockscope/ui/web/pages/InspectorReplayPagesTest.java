package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.replay.Replayer;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.DecodedLiveSource;

/**
 * The session page's Replay tab in a real headless Chromium: the demo's MAX session recorded through the real proxy,
 * replayed from the page against the MAX simulator, and its side-by-side diff; a replay without the masked token is
 * refused with the line that names it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectorReplayPagesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String TOKEN = "An9xQ2hY7tLp0sDemoToken";

    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private Browser browser;
    private SessionRecord max;
    private String base;

    @BeforeAll
    void recordMaxAndOpenABrowser() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        // MAX's server routes by path, as ws-api.oneme.ru does: a replay to another path is refused.
        List<Simulator<?>> simulators = new ArrayList<>(Simulators.all());
        simulators.replaceAll(s -> s.name().equals("max") ? onlyAt("/websocket", s) : s);
        sims = SimulatorServer.start("127.0.0.1", simulators);
        List<Route> routes = new ArrayList<>();
        simulators.forEach(s -> routes.add(new Route("127.0.0.1", 0, sims.uri(s.name()))));
        runtime = ProxyRuntime.start(routes, RelayOptions.defaults(), db, false, ProtocolRegistry.builtIn());
        Map<String, URI> proxied = new LinkedHashMap<>();
        for (int i = 0; i < simulators.size(); i++) {
            proxied.put(simulators.get(i).name(), URI.create("ws://" + runtime.relay().boundRoutes().get(i).listen()));
        }
        new ScriptedClients().runAll(proxied, List.of("max"));
        runtime.awaitRecorded(Duration.ofSeconds(20));
        max = runtime.store().sessions(10).get(0);
        app = new InspectorApp(runtime.store(), DecodedLiveSource.attach(runtime.decoded()), ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null),
                new dev.sockscope.ui.web.InProcessActions(runtime, ProtocolRegistry.builtIn())).start();
        base = "http://127.0.0.1:" + app.port() + "/";
        browser = new Browser(1400, 900);
    }

    /** {@code inner}, refusing with 404 an upgrade to any other path than {@code path}. */
    private static <S> Simulator<S> onlyAt(String path, Simulator<S> inner) {
        return new Simulator<>() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public Refusal refuse(Upgrade upgrade) {
                return upgrade.path().equals(path) ? inner.refuse(upgrade) : new Refusal(404, "no WebSocket at " + upgrade.path());
            }

            @Override
            public String select(Upgrade upgrade) {
                return inner.select(upgrade);
            }

            @Override
            public S onOpen(Upgrade upgrade, Peer peer) {
                return inner.onOpen(upgrade, peer);
            }

            @Override
            public S onText(S state, Peer peer, String text) {
                return inner.onText(state, peer, text);
            }

            @Override
            public S onBinary(S state, Peer peer, byte[] data) {
                return inner.onBinary(state, peer, data);
            }

            @Override
            public void onClose(S state) {
                inner.onClose(state);
            }
        };
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

    private WebDriverWait waiting() {
        return browser.waiting(DEADLINE);
    }

    private void open(String hash) {
        browser.driver.get("about:blank");
        browser.console();
        browser.driver.get(base + hash);
    }

    private WebElement visible(String css) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Console warnings and errors, less the browser's own line for an error answer the page shows. */
    private void noConsoleErrors() {
        List<LogEntry> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .filter(e -> !e.getMessage().contains("the server responded with a status of 400"))
                .toList();
        assertThat(errors).as("console errors and CSP violations").isEmpty();
    }

    private void fillUpstreamAndRun(String set) {
        WebElement upstream = visible("#replay-upstream");
        assertThat(upstream.getAttribute("value")).as("prefilled from the session").startsWith("ws://");
        upstream.clear();
        upstream.sendKeys(sims.uri("max").toString());
        WebElement secrets = browser.driver.findElement(By.id("replay-set"));
        secrets.clear();
        if (!set.isEmpty()) {
            secrets.sendKeys(set);
        }
        browser.driver.findElement(By.id("replay-run")).click();
    }

    @Test
    void theReplayTabReplaysTheSessionAndTheReplayShowsItsDiffSideBySide() throws Exception {
        open("#/sessions/" + max.id());
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("tab-replay"))).click();
        waiting().until(d -> d.getCurrentUrl().contains("tab=replay"));
        fillUpstreamAndRun("payload.token=" + TOKEN);

        WebElement report = visible("#replay-report");
        waiting().until(d -> d.findElement(By.id("replay-report")).getText().contains("No differences"));
        assertThat(report.getText()).contains("answers and");
        WebElement replayLink = report.findElement(By.cssSelector("a"));
        String replayId = replayLink.getText().replace("session ", "");
        waiting().until(d -> d.findElement(By.id("replay-links")).getText().contains("#" + replayId));

        replayLink.click();
        waiting().until(d -> d.getCurrentUrl().contains("#/sessions/" + replayId + "?tab=replay"));
        WebElement summary = visible("#diff-summary");
        assertThat(summary.getText()).contains("No differences");
        assertThat(visible("#replay-links").getText()).contains("A replay of session " + max.id());
        WebElement original = visible("#diff-original");
        WebElement replay = visible("#diff-replay");
        assertThat(original.getText()).contains("Original · session " + max.id());
        assertThat(replay.getText()).contains("Replay · session " + replayId);
        waiting().until(d -> original.findElements(By.cssSelector(".tl-row[data-seq]")).size() == max.frames());
        assertThat(replay.findElements(By.cssSelector(".tl-row[data-seq]"))).isNotEmpty();
        assertThat(original.findElement(By.cssSelector(".tl-row[data-seq='1'] .c-dir")).getText()).isNotBlank();
        Path shot = browser.screenshot("replay-diff");
        assertThat(shot).exists();
        noConsoleErrors();
    }

    @Test
    void thePrefilledUpstreamReplaysToTheRecordedPathNotTwice() throws Exception {
        open("#/sessions/" + max.id() + "?tab=replay");
        WebElement upstream = visible("#replay-upstream");
        assertThat(upstream.getAttribute("value")).as("the recorded upstream, the path added by the replay").isEqualTo(max.info().upstream());
        assertThat(visible("#replay-form").getText()).contains("/websocket");
        browser.driver.findElement(By.id("replay-set")).sendKeys("payload.token=" + TOKEN);
        browser.driver.findElement(By.id("replay-run")).click();
        waiting().until(d -> d.findElement(By.id("replay-result")).getText().contains("No differences"));
        browser.screenshot("replay-prefilled");
        noConsoleErrors();
    }

    @Test
    void aReplayIsMarkedAsOneInTheSessionsList() throws Exception {
        Replayer.Result r = Replayer.run(runtime, max.id(), ProtocolRegistry.builtIn(), new Replayer.Options(sims.uri("max"), 0,
                Duration.ofSeconds(10), RelayOptions.defaults(), List.of(), Map.of(), Map.of(), Map.of("payload.token", TOKEN)));
        open("#/");
        WebElement row = visible("#sessions tr[data-id='" + r.replay().id() + "']");
        assertThat(row.findElement(By.cssSelector(".replay-of")).getText()).isEqualTo("replay of #" + max.id());
        assertThat(visible("#sessions tr[data-id='" + max.id() + "']").findElements(By.cssSelector(".replay-of"))).isEmpty();
    }

    @Test
    void aReplayWithoutTheMaskedTokenShowsTheLineThatNamesIt() {
        open("#/sessions/" + max.id() + "?tab=replay");
        fillUpstreamAndRun("");
        WebElement missing = visible("#replay-missing");
        assertThat(missing.getText()).contains("payload.token");
        assertThat(browser.driver.findElement(By.id("replay-result")).getText()).contains("nothing was sent");
        assertThat(browser.driver.findElement(By.id("replay-run")).isEnabled()).as("ready to try again").isTrue();
        noConsoleErrors();
    }
}
