package dev.sockscope.ui.web.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.rules.RuleEngine;
import dev.sockscope.proxy.rules.RuleFiles;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.web.DecodedLiveSource;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;

/**
 * The Rules page in a real headless Chromium beside a proxy in front of the demo's MAX: the rules with their counts,
 * a switch that turns one off, an edit refused with its line, a name with markup shown as text.
 */
class RulesPageTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private SimulatorServer sims;
    private ProxyRuntime runtime;
    private RuleFiles files;
    private InspectorApp app;
    private Browser browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
        if (files != null) {
            files.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (sims != null) {
            sims.close();
        }
    }

    @Test
    void listCountSwitchAndEditTheRules() throws Exception {
        assumeTrue(Browser.installed(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - name: rename
                    match: { direction: server, pointer: /payload/profile/name }
                    set: { /payload/profile/name: Mallory }
                  - name: "<img src=x onerror=alert(1)>"
                    match: { contains: never-sent }
                    drop: true
                """);
        sims = SimulatorServer.start("127.0.0.1", Simulators.all());
        runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, sims.uri("max"), "max")), RelayOptions.defaults(), dir.resolve("db"),
                false, ProtocolRegistry.builtIn());
        RuleEngine engine = new RuleEngine(5, MessageLabels.NONE);
        files = RuleFiles.load(List.of(rules), engine);
        runtime.relay().intercept().addSource(engine);
        app = new InspectorApp(runtime.store(), DecodedLiveSource.attach(runtime.decoded()), ProtocolRegistry.builtIn(),
                InspectorOptions.parse("127.0.0.1:0", null)).rules(files).start();
        browser = new Browser(1400, 900);
        browser.driver.get("http://127.0.0.1:" + app.port() + "/#/rules");
        browser.waiting(DEADLINE).until(d -> d.findElements(By.cssSelector("#rules-body tr[data-rule]")).size() == 2);
        assertThat(browser.driver.findElement(By.id("rules-facts")).getText()).contains("Seed 5").contains("rules.yaml");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#rules-body tr[data-rule]"));
        assertThat(rows.get(1).findElements(By.tagName("td")).get(1).getText()).isEqualTo("<img src=x onerror=alert(1)>");
        assertThat(browser.driver.findElements(By.cssSelector("#rules-body img"))).isEmpty();

        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/websocket"), new WebSocket.Listener() { }).get();
        ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}", true).get();
        ws.sendText("{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"An9xQ2hY7tLp0s-secret\"}}", true).get();
        browser.waiting(DEADLINE).until(d -> d.findElement(By.cssSelector("#rules-body tr[data-rule=rename]")).getText().contains("rewrite 2"));
        ws.abort();

        browser.driver.findElement(By.id("rule-on-rename")).click();
        await().atMost(DEADLINE).until(() -> !engine.status().get(0).enabled());

        WebElement text = browser.driver.findElement(By.id("rules-text"));
        assertThat(text.getAttribute("value")).contains("name: rename");
        text.clear();
        text.sendKeys("rules:\n  - name: z\n    probability: 3\n    drop: true\n");
        browser.driver.findElement(By.id("rules-apply")).click();
        browser.waiting(DEADLINE).until(d -> d.findElement(By.id("rules-status")).getText().contains("probability 3 is not between 0 and 1"));
        assertThat(browser.driver.findElement(By.id("rules-status")).getText()).contains(rules + ":3: rule 'z'");
        assertThat(engine.rules()).hasSize(2);
        assertThat(browser.console()).as("no errors in the console").noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
                && !e.getMessage().contains("/api/rules"));
    }
}
