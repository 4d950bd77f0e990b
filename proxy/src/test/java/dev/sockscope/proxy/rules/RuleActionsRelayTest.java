package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.testing.DeflateClient;
import dev.sockscope.proxy.testing.RuleRelay;
import dev.sockscope.proxy.testing.TestUpstream;

/**
 * The rewriting, framing and failing actions of a rules file through the relay, with Jetty's client at its defaults
 * (permessage-deflate) and a Jetty upstream that records what it gets: what the upstream receives is what the rule
 * says. (Delay, drop, duplicate, answer, set, close and close after run against MAX in MaxRulesRelayTest.)
 */
class RuleActionsRelayTest {
    @TempDir
    Path dir;
    private TestUpstream upstream;
    private RuleRelay fixture;
    private DeflateClient client;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("reply.json"), "{\"from\":\"file\"}");
        Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: frag
                    match: { direction: client, contains: frag }
                    refragment: 3
                  - name: inj
                    match: { direction: client, pointer: /n, equals: inj }
                    inject: 'after ${/n}'
                  - name: tpl
                    match: { direction: client, pointer: /n, equals: tpl }
                    template: '{"seen":"${/n}"}'
                  - name: rx
                    match: { direction: client, regex: 'rx\\d' }
                    replace: { regex: 'rx(\\d)', with: 'RX$1' }
                  - name: fromfile
                    match: { direction: client, contains: fromfile }
                    file: reply.json
                  - name: cut
                    match: { direction: client, contains: abort }
                    abort: true
                """);
        RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
        engine.replace(new RuleLoader().file(dir.resolve("rules.yaml")));
        fixture = RuleRelay.start(engine, b -> { });
        upstream = fixture.upstream;
        client = DeflateClient.connect(fixture.clientUri());
        upstream.nextHandshake();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void eachActionReachesTheUpstreamAsTheRuleSays() throws Exception {
        client.send("frag-me-into-three");
        TestUpstream.Received first = upstream.nextFrame();
        TestUpstream.Received second = upstream.nextFrame();
        TestUpstream.Received third = upstream.nextFrame();
        assertThat(first.opcode()).isEqualTo(OpCode.TEXT);
        assertThat(first.fin()).isFalse();
        assertThat(second.opcode()).isEqualTo(OpCode.CONTINUATION);
        assertThat(third.fin()).isTrue();
        assertThat(first.text() + second.text() + third.text()).isEqualTo("frag-me-into-three");

        client.send("{\"n\":\"inj\"}");
        assertThat(upstream.nextFrame().text()).isEqualTo("{\"n\":\"inj\"}");
        assertThat(upstream.nextFrame().text()).isEqualTo("after inj");

        client.send("{\"n\":\"tpl\"}");
        assertThat(upstream.nextFrame().text()).isEqualTo("{\"seen\":\"tpl\"}");

        client.send("say rx7 twice rx8");
        assertThat(upstream.nextFrame().text()).isEqualTo("say RX7 twice RX8");

        client.send("fromfile");
        assertThat(upstream.nextFrame().text()).isEqualTo("{\"from\":\"file\"}");

        client.send("abort");
        // No close frame: Jetty's client sees its connection end (1006, or the channel closed under it).
        int seen;
        try {
            seen = client.closed.get(10, TimeUnit.SECONDS).getCode();
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfAny(java.nio.channels.ClosedChannelException.class, java.io.EOFException.class,
                    org.eclipse.jetty.io.EofException.class);
            seen = 1006;
        }
        assertThat(seen).isEqualTo(1006);
        assertThat(upstream.nextClose().getCode()).isEqualTo(1006);
    }
}
