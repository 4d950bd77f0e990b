package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.wire.Direction;
import dev.sockscope.ui.web.DecodedLiveSource;

/**
 * The inspector's pages in a real headless Chromium over the demo's sessions, recorded through the real proxy into a
 * real H2 folder; one client stays connected so that frames arrive while a page is open. Screenshots of the main
 * pages land in {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectorPagesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    static final String HOSTILE = "<img src=x onerror=\"window.__xss=1;alert(1)\">";

    @TempDir
    static Path db;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private InspectorApp app;
    private Browser browser;
    private HttpClient http; // held: a client that is collected closes its sockets
    private URI qqPush;
    private WebSocket liveClient;
    private final Map<String, Long> sessionOf = new LinkedHashMap<>();
    private String base;

    @BeforeAll
    void recordTheDemoAndOpenABrowser() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        List<Simulator<?>> simulators = Simulators.all();
        sims = SimulatorServer.start("127.0.0.1", simulators);
        List<Route> routes = new ArrayList<>();
        for (Simulator<?> s : simulators) {
            routes.add(new Route("127.0.0.1", 0, sims.uri(s.name())));
        }
        runtime = ProxyRuntime.start(routes, RelayOptions.defaults(), db, false, ProtocolRegistry.builtIn());
        Map<String, URI> proxied = new LinkedHashMap<>();
        for (int i = 0; i < simulators.size(); i++) {
            proxied.put(simulators.get(i).name(), URI.create("ws://" + runtime.relay().boundRoutes().get(i).listen()));
        }
        new ScriptedClients().runAll(proxied);
        runtime.awaitRecorded(Duration.ofSeconds(20));
        for (SessionRecord s : runtime.store().sessions(100)) {
            sessionOf.put(s.protocol() + "#" + s.frames(), s.id()); // maim twice: #2 refused, #4 the image
            sessionOf.putIfAbsent(s.protocol(), s.id());
        }
        qqPush = proxied.get("qq-push");
        http = HttpClient.newHttpClient();

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

    @BeforeEach
    void wideWindow() {
        browser.resize(1400, 900);
    }

    @AfterEach
    void disconnect() {
        if (liveClient != null) {
            liveClient.abort();
            liveClient = null;
        }
    }

    /**
     * Connects a qq-push client through the proxy and keeps it open (its simulator pushes on open and ignores what it
     * is sent); returns its session, recorded by then.
     */
    private long openLiveSession() throws Exception {
        long before = runtime.store().sessions(1).get(0).id();
        liveClient = http.newWebSocketBuilder().buildAsync(qqPush, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(DEADLINE).until(() -> {
            SessionRecord newest = runtime.store().sessions(1).get(0);
            return newest.id() != before && newest.frames() > 0;
        });
        return runtime.store().sessions(1).get(0).id();
    }

    private void open(String hash) {
        // A fresh document each time: no state carried over from the test before.
        browser.driver.get("about:blank");
        browser.console(); // what the page before logged is not this one's
        browser.driver.get(base + hash);
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = browser.waiting(DEADLINE);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // rows re-drawn while a condition reads them
        return wait;
    }

    private List<WebElement> rows() {
        return browser.driver.findElements(By.cssSelector("#timeline .tl-rows .tl-row[data-seq]:not([data-seq=''])"));
    }

    private WebElement row(String seq) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .tl-row[data-seq='" + seq + "']")));
    }

    private List<StoredFrame> frames(long session) throws Exception {
        return runtime.store().storedFrames(session, 0, 10_000);
    }

    /** The sessions page's "frames → / ←" of a session, from the store. */
    private String traffic(long session) throws Exception {
        List<StoredFrame> all = frames(session);
        long client = all.stream().filter(f -> f.frame().from() == Direction.CLIENT_TO_SERVER).count();
        return client + " / " + (all.size() - client);
    }

    /** As Tab would: the keys then go to the timeline, and no row is clicked. */
    private void focusTimeline() {
        browser.js("document.querySelector('#timeline .tl-scroller').focus()");
    }

    private String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector(".c-" + column)).getText();
    }

    private void noConsoleErrors() {
        List<LogEntry> errors = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .toList();
        assertThat(errors).as("console errors and CSP violations").isEmpty();
    }

    @Test
    void sessionsPageListsTheDemoSessionsNewestFirstWithTrafficEachWay() throws Exception {
        open("#/");
        waiting().until(d -> d.findElements(By.cssSelector("#sessions tbody tr")).size() >= 7);
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#sessions tbody tr"));
        List<Long> ids = rows.stream().map(r -> Long.parseLong(r.getAttribute("data-id"))).toList();
        assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(browser.driver.findElement(By.id("sessions")).getText()).contains("max", "event-chat", "maim", "zavodchat", "qq-push");
        WebElement max = browser.driver.findElement(By.cssSelector("#sessions tr[data-id='" + sessionOf.get("max") + "']"));
        assertThat(max.findElement(By.cssSelector(".frames")).getText()).isEqualTo(traffic(sessionOf.get("max")));
        assertThat(max.getText()).contains("1000");
        WebElement refused = browser.driver.findElement(By.cssSelector("#sessions tr[data-id='" + sessionOf.get("maim#2") + "']"));
        assertThat(refused.getText()).contains("1008", "Invalid or missing token");
        browser.screenshot("sessions");
        noConsoleErrors();
    }

    @Test
    void searchingSessionsNarrowsTheListAndEnterOpensOne() {
        open("#/");
        waiting().until(d -> d.findElements(By.cssSelector("#sessions tbody tr")).size() >= 7);
        browser.driver.findElement(By.id("session-search")).sendKeys("channel");
        waiting().until(d -> d.findElements(By.cssSelector("#sessions tbody tr")).size() == 1);
        assertThat(browser.driver.getCurrentUrl()).contains("q=channel");
        browser.driver.findElement(By.tagName("body")).click();
        new Actions(browser.driver).sendKeys("j").sendKeys(Keys.ENTER).perform();
        waiting().until(ExpectedConditions.urlMatches("#/sessions/\\d+$"));
        row("1");
    }

    @Test
    void selectingAFrameShowsItsDecodingAndItsPairAndKeysMoveTheSelection() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max);
        WebElement login = row("3");
        assertThat(cell(login, "label")).isEqualTo("LOGIN (19)");
        login.click();
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/sessions/" + max + "?frame=3");
        WebElement detail = browser.driver.findElement(By.id("detail"));
        assertThat(detail.getText()).contains("request", "Answered by #4");
        assertThat(detail.findElement(By.cssSelector(".tree")).getText()).contains("token");
        assertThat(detail.getText()).doesNotContain("An9xQ2hY7tLp0sDemoToken");
        browser.screenshot("session-frame");

        browser.driver.findElement(By.id("pair-link")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail"), "Answers request #3"));
        assertThat(row("4").getAttribute("class")).contains("selected");

        focusTimeline();
        new Actions(browser.driver).sendKeys("j").perform();
        waiting().until(d -> row("5").getAttribute("class").contains("selected"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail"), "#5"));
        new Actions(browser.driver).sendKeys("k").sendKeys("k").perform();
        waiting().until(d -> row("3").getAttribute("class").contains("selected"));
        noConsoleErrors();
    }

    @Test
    void filteringByKindAsksTheServerAndBackRestoresEveryFrame() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max);
        int all = frames(max).size();
        waiting().until(d -> rows().size() == all);
        new Select(browser.driver.findElement(By.id("filter-kind"))).selectByValue("request");
        waiting().until(d -> rows().size() < all && !rows().isEmpty());
        assertThat(rows()).allSatisfy(r -> assertThat(cell(r, "kind")).isEqualTo("request"));
        assertThat(browser.driver.getCurrentUrl()).contains("kind=request");
        browser.driver.navigate().back();
        waiting().until(d -> rows().size() == all);
        assertThat(new Select(browser.driver.findElement(By.id("filter-kind"))).getFirstSelectedOption().getAttribute("value")).isEmpty();
    }

    @Test
    void aSharedLinkOpensTheFilterAndTheFrameItNames() throws Exception {
        long max = sessionOf.get("max");
        List<StoredFrame> logins = frames(max).stream().filter(f -> f.decoding().label().equals("LOGIN (19)")).toList();
        long answer = logins.get(1).seq();
        open("#/sessions/" + max + "?label=LOGIN%20(19)&frame=" + answer);
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
        assertThat(rows()).extracting(r -> cell(r, "label")).containsOnly("LOGIN (19)").hasSize(logins.size());
        assertThat(row(String.valueOf(answer)).getAttribute("class")).contains("selected");
        assertThat(browser.driver.findElement(By.id("filter-label")).getAttribute("value")).isEqualTo("LOGIN (19)");
    }

    @Test
    void searchJumpsToTheNextAndPreviousMatch() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max);
        row("1");
        focusTimeline();
        new Actions(browser.driver).sendKeys("/").perform();
        waiting().until(d -> "search".equals(d.switchTo().activeElement().getAttribute("id")));
        List<Long> anna = frames(max).stream()
                .filter(f -> f.frame().text().contains("Anna") || f.decoding().summary().contains("Anna")).map(StoredFrame::seq).toList();
        assertThat(anna).hasSizeGreaterThan(1);
        new Actions(browser.driver).sendKeys("Anna").sendKeys(Keys.ENTER).perform();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-status"), "Match at #" + anna.get(0)));
        new Actions(browser.driver).sendKeys(Keys.ESCAPE).sendKeys("n").perform();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-status"), "Match at #" + anna.get(1)));
        new Actions(browser.driver).sendKeys("N").perform();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-status"), "Match at #" + anna.get(0)));
        assertThat(row(String.valueOf(anna.get(0))).getAttribute("class")).contains("selected", "marked");
    }

    @Test
    void chartsDrawTheSessionsRatesLatenciesAndLabels() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max + "?tab=charts");
        for (String chart : List.of("chart-frames", "chart-bytes", "chart-latency", "chart-labels")) {
            waiting().until(d -> Boolean.TRUE.equals(browser.js(
                    "const c = document.getElementById(arguments[0]);"
                            + " const chart = c && window.Chart && Chart.getChart(c);"
                            + " return !!chart && chart.data.datasets[0].data.some(v => v > 0);", chart)));
        }
        assertThat(browser.driver.findElement(By.id("percentiles")).getText()).contains("answered", "p50", "p99");
        browser.screenshot("charts");
        noConsoleErrors();
    }

    @Test
    void theHandshakeShowsHeadersAndTheDecodedJwtMasked() {
        long chat = sessionOf.get("event-chat");
        open("#/sessions/" + chat + "?tab=handshake");
        WebElement hs = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("handshake")));
        assertThat(hs.getText()).contains("Request headers", "Response headers", "subprotocol", "access_token", "admin_id");
        assertThat(hs.getText()).doesNotContain("G789lqmV0yUs9sKVTcpid6HK3D4zK98kum-EgWs3yiY");
    }

    @Test
    void aFrameSentWhileThePageIsOpenArrivesLive() throws Exception {
        open("#/sessions/" + openLiveSession());
        waiting().until(d -> !rows().isEmpty());
        String marker = "live frame " + System.nanoTime();
        liveClient.sendText(marker, true).join();
        waiting().until(d -> rows().stream().anyMatch(r -> cell(r, "summary").contains(marker)));
    }

    @Test
    void maimsImageIsPreviewed() throws Exception {
        long maim = sessionOf.get("maim#4");
        open("#/sessions/" + maim + "?frame=2");
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#detail .tab[data-key='image']"))).click();
        WebElement img = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#detail img.preview")));
        waiting().until(d -> ((Number) browser.js("return arguments[0].naturalWidth", img)).intValue() == 240);
        assertThat(img.getAttribute("src")).startsWith("blob:");
        assertThat(browser.driver.findElement(By.id("image-note")).getText()).contains("image/png", "512 KiB", "$.message_segment.data[3].data");
        browser.screenshot("maim-image");
    }

    @Test
    void aHostilePayloadShowsAsTextAndItsScriptNeverRuns() throws Exception {
        open("#/sessions/" + openLiveSession());
        waiting().until(d -> !rows().isEmpty());
        liveClient.sendText(HOSTILE, true).join();
        WebElement hostile = waiting().until(d -> rows().stream().filter(r -> cell(r, "summary").contains("onerror")).findFirst().orElse(null));
        assertThat(cell(hostile, "summary")).contains(HOSTILE);
        hostile.click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail"), "onerror"));
        browser.driver.findElement(By.cssSelector("#detail .tab[data-key='text']")).click();
        assertThat(browser.driver.findElement(By.cssSelector("#detail pre.code")).getText()).isEqualTo(HOSTILE);
        assertThat(browser.js("return window.__xss")).isNull();
        assertThat(browser.driver.findElements(By.cssSelector("img[src='x']"))).isEmpty();
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("an alert opened: the payload's script ran");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    @Test
    void aNarrowWindowKeepsTheTimelineAndPutsTheDetailBelow() throws Exception {
        browser.resize(420, 860);
        long max = sessionOf.get("max");
        open("#/sessions/" + max + "?frame=4");
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
        WebElement timeline = browser.driver.findElement(By.id("timeline"));
        WebElement detail = browser.driver.findElement(By.id("detail"));
        assertThat(detail.getRect().getY()).isGreaterThan(timeline.getRect().getY() + timeline.getRect().getHeight() - 1);
        assertThat(timeline.getRect().getWidth()).isLessThanOrEqualTo(420);
        assertThat(row("4").findElement(By.cssSelector(".c-type")).isDisplayed()).isFalse();
        browser.screenshot("session-narrow");
        open("#/");
        waiting().until(d -> d.findElements(By.cssSelector("#sessions tbody tr")).size() >= 7);
        browser.screenshot("sessions-narrow");
    }

    @Test
    void filtersApplyAsYouTypeAndSearchMatchesAreHighlightedInTheRowsAndTheText() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max);
        int all = frames(max).size();
        waiting().until(d -> rows().size() == all);
        browser.driver.findElement(By.id("filter-label")).sendKeys("LOGIN"); // no Enter, no blur
        waiting().until(d -> !rows().isEmpty() && rows().size() < all
                && rows().stream().allMatch(r -> cell(r, "label").startsWith("LOGIN")));
        assertThat(browser.driver.getCurrentUrl()).contains("label=LOGIN");

        browser.driver.findElement(By.id("search")).sendKeys("Anna"); // no Enter either
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-status"), "Match at #"));
        waiting().until(d -> d.findElements(By.cssSelector("#timeline .tl-rows .tl-row mark")).stream()
                .anyMatch(m -> m.getText().equals("Anna")));
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#detail .tab[data-key='text']"))).click();
        waiting().until(d -> d.findElements(By.cssSelector("#detail pre.code mark")).stream().anyMatch(m -> m.getText().equals("Anna")));
        browser.screenshot("search-highlight");
        browser.driver.findElement(By.cssSelector(".filters button[title='Show every frame']")).click();
        waiting().until(d -> rows().size() == all);
        assertThat(browser.driver.findElement(By.id("filter-label")).getAttribute("value")).isEmpty();
        noConsoleErrors();
    }

    @Test
    void theSplitterResizesTheDetailByMouseAndByKeysAndIsRemembered() throws Exception {
        long max = sessionOf.get("max");
        try {
            open("#/sessions/" + max + "?frame=4");
            waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
            WebElement splitter = browser.driver.findElement(By.id("splitter"));
            assertThat(splitter.getAttribute("role")).isEqualTo("separator");
            assertThat(splitter.getAttribute("tabindex")).isEqualTo("0");
            int before = detailWidth();
            int timelineBefore = browser.driver.findElement(By.id("timeline")).getRect().getWidth();
            new Actions(browser.driver).clickAndHold(splitter).moveByOffset(-160, 0).release().perform();
            waiting().until(d -> detailWidth() >= before + 130);
            assertThat(browser.driver.findElement(By.id("timeline")).getRect().getWidth()).isLessThan(timelineBefore - 130);
            int dragged = detailWidth();
            splitter.sendKeys(Keys.ARROW_RIGHT);
            waiting().until(d -> detailWidth() < dragged - 10);
            int keyed = detailWidth();
            assertThat(splitter.getAttribute("aria-valuenow")).isNotBlank();
            browser.screenshot("splitter");

            open("#/sessions/" + max + "?frame=4");
            waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
            waiting().until(d -> Math.abs(detailWidth() - keyed) <= 2);
        } finally {
            browser.js("localStorage.clear()");
        }
    }

    private int detailWidth() {
        return browser.driver.findElement(By.id("detail")).getRect().getWidth();
    }

    @Test
    void theHexViewShowsItsTextColumnBesideTheCopyButtonAndCopySaysCopied() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max + "?frame=3");
        waiting().until(ExpectedConditions.textToBe(By.id("detail-label"), "LOGIN (19)"));
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#detail .tab[data-key='hex']"))).click();
        WebElement hex = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#detail pre.hex")));
        assertThat(((Number) browser.js("return arguments[0].scrollWidth - arguments[0].clientWidth", hex)).intValue())
                .as("nothing of the hex dump hidden to the right").isLessThanOrEqualTo(0);
        assertThat(hex.getText().lines().findFirst().orElseThrow()).as("offset, bytes and their text").startsWith("00000000  7b 22")
                .endsWith("{\"cmd\":0" + (hex.getText().lines().findFirst().orElseThrow().length() > 60 ? ",\"seq\":2" : ""));
        WebElement copy = browser.driver.findElement(By.cssSelector("#detail button.copy"));
        org.openqa.selenium.Rectangle a = copy.getRect();
        org.openqa.selenium.Rectangle b = hex.getRect();
        boolean overlaps = a.getX() < b.getX() + b.getWidth() && b.getX() < a.getX() + a.getWidth()
                && a.getY() < b.getY() + b.getHeight() && b.getY() < a.getY() + a.getHeight();
        assertThat(overlaps).as("the Copy button covers none of the dump").isFalse();
        browser.screenshot("hex-view");
        copy.click();
        waiting().until(ExpectedConditions.textToBePresentInElement(copy, "Copied"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("#detail button.copy"), "Copy"));
    }

    @Test
    void chartsCountFramesPerBucketOnIntegerTicksSinceTheHandshakeWithBothDirectionsVisible() throws Exception {
        long max = sessionOf.get("max");
        open("#/sessions/" + max + "?tab=charts");
        String chart = "const chart = Chart.getChart(document.getElementById(arguments[0]));";
        waiting().until(d -> Boolean.TRUE.equals(browser.js("const c = document.getElementById(arguments[0]);"
                + " return !!(c && window.Chart && Chart.getChart(c));", "chart-frames")));
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) browser.js(chart + " const d = chart.data.datasets;"
                + " const sum = d[0].data.concat(d[1].data).reduce((a, b) => a + b, 0);"
                + " return {sum, ticks: chart.scales.y.ticks.map(t => t.value), labels: chart.scales.y.ticks.map(t => t.label),"
                + " x: chart.options.scales.x.title.text, y: chart.options.scales.y.title.text,"
                + " dash: [JSON.stringify(d[0].borderDash ?? []), JSON.stringify(d[1].borderDash ?? [])],"
                + " colour: [d[0].borderColor, d[1].borderColor]}", "chart-frames");
        assertThat(((Number) f.get("sum")).intValue()).as("frames counted per bucket add up to the session's").isEqualTo(frames(max).size());
        assertThat((List<?>) f.get("ticks")).allSatisfy(t -> assertThat(((Number) t).doubleValue() % 1).isZero());
        assertThat((List<?>) f.get("labels")).doesNotHaveDuplicates();
        assertThat((String) f.get("x")).contains("since the handshake").containsPattern("\\d+ (ms|s|min) buckets");
        assertThat((String) f.get("y")).startsWith("frames per ");
        assertThat((List<?>) f.get("dash")).doesNotHaveDuplicates();
        assertThat((List<?>) f.get("colour")).doesNotHaveDuplicates();
        for (String counts : List.of("chart-latency", "chart-labels")) {
            @SuppressWarnings("unchecked")
            List<Object> ticks = (List<Object>) browser.js(chart + " const axis = chart.options.indexAxis === 'y' ? 'x' : 'y';"
                    + " return chart.scales[axis].ticks.map(t => t.value);", counts);
            assertThat(ticks).as("ticks of %s", counts).allSatisfy(t -> assertThat(((Number) t).doubleValue() % 1).isZero());
        }
        browser.screenshot("charts-buckets");
        noConsoleErrors();
    }

    @Test
    void theSessionsListFindsErrorsByCloseCodeAndProtocolsByPartOfTheNameSortsAndSaysHowLongAgo() throws Exception {
        Map<Long, SessionRecord> stored = new LinkedHashMap<>();
        runtime.store().sessions(100).forEach(s -> stored.put(s.id(), s));
        open("#/");
        waiting().until(d -> sessionRows().size() >= 7);
        WebElement newest = sessionRows().get(0);
        assertThat(newest.findElement(By.cssSelector("td.started")).getText()).containsPattern("(\\d+ (s|min|h) ago|just now)");

        WebElement protocol = browser.driver.findElement(By.cssSelector("input[aria-label='Protocol']"));
        protocol.sendKeys("ZAVOD");
        long zavodchat = stored.values().stream().filter(s -> "zavodchat".equals(s.protocol())).count();
        waiting().until(d -> sessionRows().size() == zavodchat);
        assertThat(sessionRows()).allSatisfy(r -> assertThat(r.getText()).contains("zavodchat"));
        protocol.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        waiting().until(d -> sessionRows().size() >= 7);

        browser.driver.findElement(By.cssSelector(".sessions-page label.check input")).click();
        waiting().until(d -> ids().contains(sessionOf.get("maim#2")) && !ids().contains(sessionOf.get("max")));
        browser.driver.findElement(By.cssSelector(".sessions-page label.check input")).click();
        waiting().until(d -> ids().contains(sessionOf.get("max")));

        WebElement byFrames = browser.driver.findElement(By.cssSelector("#sessions th[data-sort='frames'] button"));
        byFrames.click();
        waiting().until(d -> "descending".equals(d.findElement(By.cssSelector("#sessions th[data-sort='frames']")).getAttribute("aria-sort")));
        assertThat(ids().stream().filter(stored::containsKey).map(id -> stored.get(id).frames()).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(browser.driver.getCurrentUrl()).contains("sort=frames");
        browser.driver.findElement(By.cssSelector("#sessions th[data-sort='frames'] button")).click();
        waiting().until(d -> "ascending".equals(d.findElement(By.cssSelector("#sessions th[data-sort='frames']")).getAttribute("aria-sort")));
        assertThat(ids().stream().filter(stored::containsKey).map(id -> stored.get(id).frames()).toList()).isSorted();
        browser.screenshot("sessions-sorted");
        noConsoleErrors();
    }

    private List<WebElement> sessionRows() {
        return browser.driver.findElements(By.cssSelector("#sessions tbody tr"));
    }

    /** The listed sessions' ids, read in one script: the list is re-drawn as filters apply, so rows found one by one can go stale. */
    private List<Long> ids() {
        Object ids = browser.js("return [...document.querySelectorAll('#sessions tbody tr')].map(r => r.getAttribute('data-id'));");
        return ((List<?>) ids).stream().map(id -> Long.parseLong(String.valueOf(id))).toList();
    }

    @Test
    void theTimeColumnSwitchesToClockTimeAndStaysSo() throws Exception {
        long max = sessionOf.get("max");
        try {
            open("#/sessions/" + max);
            assertThat(cell(row("1"), "offset")).startsWith("+");
            browser.driver.findElement(By.cssSelector("#timeline .tl-head .c-offset button")).click();
            waiting().until(d -> cell(row("1"), "offset").matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
            assertThat(row("1").findElement(By.cssSelector(".c-offset")).getAttribute("title")).startsWith("+");
            open("#/sessions/" + max);
            waiting().until(d -> cell(row("1"), "offset").matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
        } finally {
            browser.js("localStorage.clear()");
        }
    }

    @Test
    void anUnknownSessionSaysSo() {
        open("#/sessions/999999");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice-error"), "There is no session 999999"));
    }
}
