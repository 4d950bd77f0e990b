package dev.sockscope.proxy.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/** Decisions folded into what the relay does, and the words the recording keeps for it. */
class PlanTest {
    private static final Decision.Cause SLOW = Decision.Cause.rule("slow-login");

    @Test
    void severalStepsAddUpAndSayWhatTheyDidInOrder() {
        Plan p = Plan.of(new Decision.All(List.of(
                new Decision.Replace("new".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, SLOW),
                new Decision.Delay(Duration.ofMillis(250), false, SLOW),
                new Decision.Duplicate(1, SLOW),
                new Decision.InjectAfter("x".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, Decision.Cause.rule("other")),
                new Decision.Stall(Direction.SERVER_TO_CLIENT, Duration.ofSeconds(2), SLOW))));
        assertThat(p.fate()).isEqualTo(Plan.Fate.FORWARD);
        assertThat(p.delay()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.copies()).isEqualTo(1);
        assertThat(p.after()).hasSize(1);
        assertThat(p.effects()).hasSize(1);
        assertThat(p.by()).isEqualTo("rule slow-login, rule other");
        assertThat(p.effect(null)).isEqualTo("rewritten; delayed 250 ms; duplicated (1 copy); stalled reading the upstream for 2000 ms; "
                + "1 message injected after it");
        assertThat(Plan.orderedDelay(new Decision.All(List.of(new Decision.Delay(Duration.ofMillis(250), false, SLOW)))))
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theLastFateCountsAndAReorderingDelayDoesNotHoldTheLane() {
        Decision d = new Decision.All(List.of(new Decision.Delay(Duration.ofMillis(100), true, SLOW), new Decision.Drop(SLOW)));
        assertThat(Plan.of(d).fate()).isEqualTo(Plan.Fate.DROP);
        assertThat(Plan.orderedDelay(d)).isZero();
        assertThat(Plan.orderedDelay(new Decision.Delay(Duration.ofMillis(100), false, SLOW))).isEqualTo(Duration.ofMillis(100));
        assertThat(Plan.of(new Decision.Close(1011, "chaos", SLOW)).fate()).isEqualTo(Plan.Fate.CLOSE);
    }

    @Test
    void aCloseOrAbortAfterTheMessageForwardsItAndEndsTheLane() {
        Decision d = new Decision.All(List.of(new Decision.Delay(Duration.ofMillis(10), false, SLOW),
                new Decision.CloseAfter(1011, "chaos", SLOW)));
        Plan p = Plan.of(d);
        assertThat(p.fate()).isEqualTo(Plan.Fate.FORWARD);
        assertThat(p.then()).isEqualTo(Plan.Then.CLOSE);
        assertThat(p.close().code()).isEqualTo(1011);
        assertThat(p.effect(null)).isEqualTo("delayed 10 ms; then closed the session with 1011 chaos");
        assertThat(Plan.endsSession(d)).isTrue();
        assertThat(Plan.of(new Decision.AbortAfter(SLOW)).then()).isEqualTo(Plan.Then.ABORT);
        assertThat(Plan.endsSession(new Decision.Abort(SLOW))).isTrue();
        assertThat(Plan.endsSession(new Decision.Duplicate(1, SLOW))).isFalse();
    }

    @Test
    void theUsersOwnDecisionsTakeThePlainPathsAndARulesDoNot() {
        assertThat(Plan.plain(Decision.FORWARD)).isTrue();
        assertThat(Plan.plain(Decision.DROP)).isTrue();
        assertThat(Plan.plain(new Decision.Close(1000, ""))).isTrue();
        assertThat(Plan.plain(new Decision.Replace(new byte[0], FrameType.BINARY))).isTrue();
        assertThat(Plan.plain(new Decision.Drop(SLOW))).isFalse();
        assertThat(Plan.plain(new Decision.Duplicate(1, null))).isFalse();
    }

    @Test
    void nonsenseIsRefusedWhenTheDecisionIsMade() {
        assertThatThrownBy(() -> new Decision.Duplicate(0, SLOW)).hasMessageContaining("at least 1 copy");
        assertThatThrownBy(() -> new Decision.Refragment(0, SLOW)).hasMessageContaining("at least 1 frame");
        assertThatThrownBy(() -> new Decision.Answer(new byte[0], FrameType.PING, SLOW)).hasMessageContaining("not ping");
        assertThatThrownBy(() -> new Decision.All(List.of(Decision.hold("x")))).hasMessageContaining("hold");
        assertThatThrownBy(() -> new Decision.Delay(Duration.ofMillis(-1), false, SLOW)).hasMessageContaining("not negative");
    }
}
