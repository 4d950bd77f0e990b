package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/** The engine's decisions without sockets: seeded, repeatable, counted, switchable. */
class RuleEngineTest {
    static InterceptedMessage msg(long session, Direction from, String text) {
        return new InterceptedMessage(new SessionFacts(session, "127.0.0.1:8080", "ws://up.example:9000/websocket?v=2", null, null),
                from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static InterceptedMessage server(long session, String text) {
        return msg(session, Direction.SERVER_TO_CLIENT, text);
    }

    static RuleEngine engine(long seed, String yaml) throws RuleFileException {
        RuleEngine e = new RuleEngine(seed, MessageLabels.NONE);
        e.replace(RuleLoaderTest.load(yaml, "t.yaml"));
        return e;
    }

    /** The decisions of 2 000 pushes in each of three sessions, as text, for comparing runs. */
    static List<String> run(long seed) throws Exception {
        RuleEngine e = engine(seed, RuleLoaderTest.ISSUE_FIRST + """
                  - name: jitter
                    match: { direction: client }
                    delay: { min: 10ms, max: 90ms }
                """);
        List<String> out = new ArrayList<>();
        for (long s = 1; s <= 3; s++) {
            for (int i = 0; i < 2000; i++) {
                Verdict v = e.verdict(server(s, "{\"cmd\":0,\"opcode\":128,\"seq\":" + i + "}"));
                Verdict c = e.verdict(msg(s, Direction.CLIENT_TO_SERVER, "{\"opcode\":64}"));
                out.add((v == null ? "-" : v.rule()) + "/" + c.delayMicros());
            }
        }
        return out;
    }

    @Test
    void theSameSeedMakesTheSameDecisionsAndAnotherSeedOthers() throws Exception {
        List<String> first = run(42);
        assertThat(run(42)).isEqualTo(first);
        assertThat(run(43)).isNotEqualTo(first);
        long dropped = first.stream().filter(s -> s.startsWith("lossy-push")).count();
        assertThat(dropped).as("about half of 6 000 pushes").isBetween(2700L, 3300L);
    }

    @Test
    void sessionsDrawIndependentlySoTheirInterleavingChangesNothing() throws Exception {
        String rules = "rules:\n  - name: p\n    probability: 0.5\n    drop: true\n";
        RuleEngine a = engine(7, rules);
        RuleEngine b = engine(7, rules);
        List<Boolean> aOne = new ArrayList<>();
        List<Boolean> bOne = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            aOne.add(a.verdict(server(1, "x")) != null);
            a.verdict(server(2, "y")); // another session in between, only in a
        }
        for (int i = 0; i < 200; i++) {
            bOne.add(b.verdict(server(1, "x")) != null);
        }
        assertThat(aOne).isEqualTo(bOne).contains(true, false);
    }

    @Test
    void theIssuesRulesDecideAsTheirCommentsSay() throws Exception {
        RuleEngine e = engine(1, RuleLoaderTest.ISSUE_FIRST + RuleLoaderTest.ISSUE_SECOND.replace("rules:\n", ""));
        Verdict login = e.verdict(server(1, "{\"cmd\":1,\"seq\":2,\"opcode\":19,\"payload\":{}}"));
        assertThat(login.rule()).isEqualTo("slow-login");
        assertThat(login.delayMicros()).isEqualTo(1_500_000);
        assertThat(e.verdict(msg(1, Direction.CLIENT_TO_SERVER, "{\"cmd\":0,\"seq\":2,\"opcode\":19}"))).isNull();
        Verdict history = e.verdict(server(1, "{\"cmd\":1,\"seq\":3,\"opcode\":49,\"payload\":{\"messages\":[]}}"));
        assertThat(history.action(Action.Close.class)).isEqualTo(new Action.Close(1011, "chaos", true));
        Verdict sync = e.verdict(server(1, "{\"cmd\":1,\"seq\":2,\"opcode\":6,\"payload\":{\"profile\":{\"name\":\"Alice\",\"id\":5}}}"));
        assertThat(sync.rule()).isEqualTo("rename");
        assertThat(new String(sync.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"cmd\":1,\"seq\":2,\"opcode\":6,\"payload\":{\"profile\":{\"name\":\"Mallory\",\"id\":5}}}");
        assertThat(e.decide(server(1, "{\"cmd\":1,\"opcode\":6,\"payload\":{\"profile\":{\"name\":\"A\"}}}")))
                .isInstanceOf(Decision.Replace.class);
        assertThat(e.verdict(server(1, "{\"cmd\":1,\"opcode\":6,\"payload\":{}}"))).as("no name: not matched").isNull();
    }

    @Test
    void everyFirstSizeAndHandshakeConditions() throws Exception {
        RuleEngine e = engine(1, """
                rules:
                  - name: third
                    match: { path: /websocket, query: v=2, every: 3, first: 7, size: { min: 2, max: 10 } }
                    drop: true
                """);
        List<Integer> taken = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            if (e.verdict(server(1, "abc")) != null) {
                taken.add(i);
            }
        }
        assertThat(taken).containsExactly(3, 6);
        assertThat(e.verdict(server(2, "a"))).as("below the size range").isNull();
        RuleEngine other = engine(1, "rules:\n  - name: p\n    match: { path: /other }\n    drop: true\n");
        assertThat(other.verdict(server(1, "abc"))).isNull();
        RuleEngine byHeader = engine(1, """
                rules:
                  - name: h
                    match: { path: /ws, query: sid=7, header: { Platform: qq } }
                    drop: true
                """);
        dev.sockscope.proxy.intercept.SessionFacts facts = new dev.sockscope.proxy.intercept.SessionFacts(3, "127.0.0.1:1", "ws://up/x", null,
                null, "/ws", "sid=7", List.of(new dev.sockscope.wire.Header("platform", "QQ-bot"), new dev.sockscope.wire.Header("Host", "x")));
        assertThat(byHeader.verdict(new InterceptedMessage(facts, Direction.SERVER_TO_CLIENT, FrameType.TEXT, new byte[1]))).isNotNull();
        dev.sockscope.proxy.intercept.SessionFacts otherPlatform = new dev.sockscope.proxy.intercept.SessionFacts(4, "127.0.0.1:1", "ws://up/x",
                null, null, "/ws", "sid=7", List.of(new dev.sockscope.wire.Header("platform", "default")));
        assertThat(byHeader.verdict(new InterceptedMessage(otherPlatform, Direction.SERVER_TO_CLIENT, FrameType.TEXT, new byte[1]))).isNull();
    }

    @Test
    void templatesAndAnswersReadTheMessagesOwnFields() throws Exception {
        RuleEngine e = engine(1, """
                rules:
                  - name: stub-contacts
                    match: { direction: client, pointer: /opcode, equals: 32 }
                    answer: '{"cmd":1,"seq":${/seq},"opcode":32,"payload":{"contacts":[]}}'
                  - name: tag
                    match: { direction: client, regex: '"text":"[^"]*"' }
                    replace: { regex: '"text":"([^"]*)"', with: '"text":"[tagged] $1"' }
                    remove: /payload/message/cid
                """);
        Verdict v = e.verdict(msg(1, Direction.CLIENT_TO_SERVER, "{\"cmd\":0,\"seq\":17,\"opcode\":32,\"payload\":{\"contactIds\":[1]}}"));
        assertThat(new String(v.answer(), StandardCharsets.UTF_8)).isEqualTo("{\"cmd\":1,\"seq\":17,\"opcode\":32,\"payload\":{\"contacts\":[]}}");
        Verdict t = e.verdict(msg(1, Direction.CLIENT_TO_SERVER, "{\"opcode\":64,\"payload\":{\"message\":{\"cid\":9,\"text\":\"hi\"}}}"));
        assertThat(new String(t.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"opcode\":64,\"payload\":{\"message\":{\"text\":\"[tagged] hi\"}}}");
    }

    @Test
    void switchedOffRulesDecideNothingAndNoEnabledRuleMeansInactive() throws Exception {
        RuleEngine e = engine(1, RuleLoaderTest.ISSUE_FIRST);
        assertThat(e.active()).isTrue();
        assertThat(e.setEnabled("slow-login", false)).isTrue();
        assertThat(e.verdict(server(1, "{\"opcode\":19}"))).isNull();
        assertThat(e.setEnabled("lossy-push", false)).isTrue();
        assertThat(e.active()).isFalse();
        assertThat(e.setEnabled("nope", true)).isFalse();
        e.replace(RuleLoaderTest.load(RuleLoaderTest.ISSUE_FIRST, "t.yaml"));
        assertThat(e.active()).as("a reload keeps what the user switched off").isFalse();
        assertThat(new RuleEngine(1, MessageLabels.NONE).active()).isFalse();
    }

    @Test
    void countersCountMatchesAndActionsTaken() throws Exception {
        RuleEngine e = engine(5, RuleLoaderTest.ISSUE_FIRST);
        int dropped = 0;
        for (int i = 0; i < 100; i++) {
            dropped += e.verdict(server(1, "{\"opcode\":128}")) != null ? 1 : 0;
        }
        e.verdict(server(1, "{\"opcode\":19}"));
        RuleStatus lossy = e.status().get(1);
        assertThat(lossy.matched()).isEqualTo(100);
        assertThat(lossy.taken()).containsEntry("drop", (long) dropped);
        RuleStatus slow = e.status().get(0);
        assertThat(slow.taken()).containsEntry("delay", 1L);
    }

    @Test
    void suppressedPongsAreDroppedAndAskForControlFrames() throws Exception {
        RuleEngine e = engine(1, "rules:\n  - name: no-pongs\n    match: { direction: client }\n    suppress: pongs\n");
        assertThat(e.wantsControlFrames()).isTrue();
        InterceptedMessage pong = new InterceptedMessage(server(1, "").session(), Direction.CLIENT_TO_SERVER, FrameType.PONG, new byte[0]);
        InterceptedMessage ping = new InterceptedMessage(server(1, "").session(), Direction.CLIENT_TO_SERVER, FrameType.PING, new byte[0]);
        assertThat(e.decide(pong)).isEqualTo(new Decision.Drop(Decision.Cause.rule("no-pongs")));
        assertThat(e.decide(ping)).isNull();
        assertThat(e.decide(msg(1, Direction.CLIENT_TO_SERVER, "x"))).isNull();
    }

    @Test
    void aUniformJitterKeepsItsDistribution() throws Exception {
        RuleEngine e = engine(99, "rules:\n  - name: j\n    delay: { min: 100ms, max: 300ms }\n");
        long[] d = new long[20_000];
        for (int i = 0; i < d.length; i++) {
            d[i] = e.verdict(server(i % 50, "m")).delayMicros();
        }
        Arrays.sort(d);
        assertThat(d[0]).isGreaterThanOrEqualTo(100_000);
        assertThat(d[d.length - 1]).isLessThanOrEqualTo(300_000);
        assertThat(d[d.length / 2]).isBetween(195_000L, 205_000L);
        assertThat(d[d.length * 9 / 10]).isBetween(275_000L, 285_000L);
    }

    @Test
    void eachActionBecomesTheRelaysDecisionWithTheRuleAsItsCause() throws Exception {
        RuleEngine e = engine(1, """
                rules:
                  - name: all
                    match: { direction: client, contains: go }
                    delay: 250ms
                    duplicate: 2
                    refragment: 3
                    template: '{"again":"${/n}"}'
                    inject: 'after ${/n}'
                    stall: 2s
                    throttle: 10kB/s
                  - name: stub
                    match: { direction: client, contains: stub }
                    answer: { text: stubbed }
                  - name: cut
                    match: { direction: client, contains: cut }
                    abort: true
                  - name: kill
                    match: { direction: server, pointer: /opcode, equals: 49 }
                    after: { close: { code: 1011, reason: chaos } }
                """);
        Decision.Cause all = Decision.Cause.rule("all");
        Decision d = e.decide(msg(1, Direction.CLIENT_TO_SERVER, "{\"n\":\"go\"}"));
        assertThat(d).isInstanceOf(Decision.All.class);
        List<Decision> steps = ((Decision.All) d).steps();
        assertThat(steps).hasSize(7);
        assertThat(steps.get(0)).isEqualTo(new Decision.Delay(java.time.Duration.ofMillis(250), false, all));
        assertThat(steps.get(1)).isEqualTo(new Decision.Duplicate(2, all));
        assertThat(steps.get(2)).isEqualTo(new Decision.Refragment(3, all));
        assertThat(new String(((Decision.InjectAfter) steps.get(3)).payload(), StandardCharsets.UTF_8)).isEqualTo("after go");
        assertThat(steps.get(4)).isEqualTo(new Decision.Stall(Direction.CLIENT_TO_SERVER, java.time.Duration.ofSeconds(2), all));
        assertThat(steps.get(5)).isEqualTo(new Decision.Throttle(Direction.CLIENT_TO_SERVER, 10_000, all));
        assertThat(new String(((Decision.Replace) steps.get(6)).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"again\":\"go\"}");
        Decision.Answer answer = (Decision.Answer) e.decide(msg(1, Direction.CLIENT_TO_SERVER, "stub"));
        assertThat(new String(answer.payload(), StandardCharsets.UTF_8)).isEqualTo("stubbed");
        assertThat(answer.cause()).isEqualTo(Decision.Cause.rule("stub"));
        assertThat(e.decide(msg(1, Direction.CLIENT_TO_SERVER, "cut"))).isEqualTo(new Decision.Abort(Decision.Cause.rule("cut")));
        assertThat(e.decide(server(1, "{\"opcode\":49}"))).isEqualTo(new Decision.CloseAfter(1011, "chaos", Decision.Cause.rule("kill")));
    }
}
