package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Every rules file shipped in docs/examples/rules loads, and decides for MAX's messages (from the demo's recorded
 * session) what its comment says. MaxRulesRelayTest runs the issue's two through the relay.
 */
class RuleExamplesTest {
    static final Path EXAMPLES = Path.of("..", "docs", "examples", "rules");
    static final String LOGIN_ANSWER = "{\"cmd\":1,\"seq\":2,\"opcode\":19,\"payload\":{\"profile\":{\"id\":7,\"name\":\"Anna\"}}}";
    static final String SYNC = "{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"profile\":{\"id\":7,\"name\":\"Anna\"},\"config\":{},\"contacts\":[{\"id\":8}],\"chats\":[{\"id\":12345}],\"messages\":{}}}";
    static final String PUSH = "{\"cmd\":0,\"seq\":2,\"opcode\":128,\"payload\":{\"chatId\":12345,\"message\":{\"id\":\"m1\",\"sender\":8,\"text\":\"как дела?\"},\"chat\":{\"id\":12345}}}";
    static final String HISTORY_ANSWER = "{\"cmd\":1,\"seq\":4,\"opcode\":49,\"payload\":{\"messages\":[]}}";
    static final String CONTACTS_REQUEST = "{\"cmd\":0,\"seq\":17,\"opcode\":32,\"payload\":{\"contactIds\":[8]}}";

    private static RuleEngine engine(String file) throws Exception {
        RuleEngine e = new RuleEngine(18, MessageLabels.NONE);
        e.replace(new RuleLoader().file(EXAMPLES.resolve(file)));
        return e;
    }

    private static InterceptedMessage from(Direction d, String text) {
        return RuleEngineTest.msg(1, d, text);
    }

    private static InterceptedMessage server(String text) {
        return from(Direction.SERVER_TO_CLIENT, text);
    }

    @Test
    void everyShippedExampleLoadsAndIsCoveredHere() throws Exception {
        List<String> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String f : files) {
            assertThat(new RuleLoader().file(EXAMPLES.resolve(f))).as(f).isNotEmpty();
        }
        assertThat(files).containsExactly("close-1011-mid-sync.yaml", "duplicated-message.yaml", "kill-after-history-rename.yaml",
                "late-login-answer.yaml", "lost-push.yaml", "never-matches.yaml", "pongs-stop.yaml", "slow-login-lossy-push.yaml", "stub-contacts.yaml");
    }

    @Test
    void lateLoginAnswerDelaysOnlyTheLoginAnswerAboutFourSeconds() throws Exception {
        RuleEngine e = engine("late-login-answer.yaml");
        Decision.Delay d = (Decision.Delay) e.decide(server(LOGIN_ANSWER));
        assertThat(d.after()).isBetween(Duration.ofMillis(3500), Duration.ofMillis(4500));
        assertThat(d.reorder()).isFalse();
        assertThat(e.decide(server(SYNC))).isNull();
        assertThat(e.decide(from(Direction.CLIENT_TO_SERVER, "{\"cmd\":0,\"seq\":2,\"opcode\":19}"))).isNull();
    }

    @Test
    void lostPushDropsAboutHalfOfThePushes() throws Exception {
        RuleEngine e = engine("lost-push.yaml");
        int dropped = 0;
        for (int i = 0; i < 400; i++) {
            Decision d = e.decide(server(PUSH));
            if (d != null) {
                assertThat(d).isEqualTo(new Decision.Drop(Decision.Cause.rule("lossy-push")));
                dropped++;
            }
        }
        assertThat(dropped).isBetween(160, 240);
        assertThat(e.decide(server(LOGIN_ANSWER))).isNull();
    }

    @Test
    void duplicatedMessageSendsEveryPushTwice() throws Exception {
        assertThat(engine("duplicated-message.yaml").decide(server(PUSH))).isEqualTo(new Decision.Duplicate(1, Decision.Cause.rule("twice")));
    }

    @Test
    void close1011MidSyncClosesInsteadOfTheSyncPushButNotTheHandshakeAnswer() throws Exception {
        RuleEngine e = engine("close-1011-mid-sync.yaml");
        assertThat(e.decide(server(SYNC))).isEqualTo(new Decision.Close(1011, "sync failed", Decision.Cause.rule("sync-fails")));
        assertThat(e.decide(server("{\"cmd\":1,\"seq\":1,\"opcode\":6,\"payload\":{}}"))).isNull();
    }

    @Test
    void pongsStopSuppressesTheServersPongsOnlyOnceTheSessionIsThirtySecondsOld() throws Exception {
        RuleEngine e = engine("pongs-stop.yaml");
        assertThat(e.wantsControlFrames()).isTrue();
        InterceptedMessage pong = new InterceptedMessage(server("").session(), Direction.SERVER_TO_CLIENT, FrameType.PONG, new byte[0]);
        assertThat(e.decide(pong)).as("the session is younger than 30 s").isNull();
        assertThat(e.rules().get(0).elapsedMicros()).isEqualTo(30_000_000);
        assertThat(e.rules().get(0).actions()).containsExactly(new Action.Suppress(FrameType.PONG));
        RuleEngine now = new RuleEngine(18, MessageLabels.NONE);
        now.replace(new RuleLoader().read(Files.readString(EXAMPLES.resolve("pongs-stop.yaml")).replace("elapsed: 30s", "elapsed: 0s")
                .getBytes(StandardCharsets.UTF_8), "pongs-stop.yaml", null));
        assertThat(now.decide(pong)).isEqualTo(new Decision.Drop(Decision.Cause.rule("no-pongs")));
        assertThat(now.decide(new InterceptedMessage(pong.session(), Direction.SERVER_TO_CLIENT, FrameType.PING, new byte[0]))).isNull();
    }

    @Test
    void theIssuesExamplesAsShipped() throws Exception {
        RuleEngine first = engine("slow-login-lossy-push.yaml");
        assertThat(first.decide(server(LOGIN_ANSWER))).isEqualTo(new Decision.Delay(Duration.ofMillis(1500), false, Decision.Cause.rule("slow-login")));
        RuleEngine second = engine("kill-after-history-rename.yaml");
        assertThat(second.decide(server(HISTORY_ANSWER))).isEqualTo(new Decision.CloseAfter(1011, "chaos", Decision.Cause.rule("kill-after-history")));
        Decision.Replace renamed = (Decision.Replace) second.decide(server(SYNC));
        assertThat(new String(renamed.payload(), StandardCharsets.UTF_8)).contains("\"name\":\"Mallory\"").doesNotContain("Anna");
    }

    @Test
    void neverMatchesTakesNothingButKeepsTheRulesActive() throws Exception {
        RuleEngine e = engine("never-matches.yaml");
        assertThat(e.active()).isTrue();
        for (String m : List.of(LOGIN_ANSWER, SYNC, PUSH, HISTORY_ANSWER)) {
            assertThat(e.decide(server(m))).isNull();
        }
        assertThat(e.decide(from(Direction.CLIENT_TO_SERVER, CONTACTS_REQUEST))).isNull();
        assertThat(e.status().get(0).matched()).isZero();
    }

    @Test
    void stubContactsAnswersWithTheRequestsSeq() throws Exception {
        Decision.Answer a = (Decision.Answer) engine("stub-contacts.yaml").decide(from(Direction.CLIENT_TO_SERVER, CONTACTS_REQUEST));
        assertThat(new String(a.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"cmd\":1,\"seq\":17,\"opcode\":32,\"payload\":{\"contacts\":[]}}");
    }
}
