package dev.sockscope.proxy.intercept;

import static dev.sockscope.proxy.intercept.BreakpointTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/** Lanes and the intercept point without sockets: what is decided, held, queued and carried out, in which order. */
class MessageLaneTest {
    private InterceptPoint point;
    private final List<String> carriedOut = new ArrayList<>();
    /** The timer the lanes ask for delays: the test runs its tasks when it says time has passed. */
    private final List<Runnable> timers = new ArrayList<>();
    private Lane client;
    private Lane server;

    /** A lane with its owner, as a session keeps one per direction. */
    private final class Lane implements HoldOwner {
        final MessageLane<String> lane;

        Lane() {
            lane = new MessageLane<>(point, this);
        }

        void offer(String text) {
            InterceptedMessage m = BreakpointTest.text(Direction.CLIENT_TO_SERVER, text);
            carry(lane.offer(m, text, true));
        }

        void offer(Direction from, String text) {
            carry(lane.offer(BreakpointTest.text(from, text), text, true));
        }

        void carry(List<MessageLane.Outcome<String>> outcomes) {
            for (MessageLane.Outcome<String> o : outcomes) {
                carriedOut.add(o.item() + ":" + describe(o.decision()));
            }
        }

        @Override
        public void release(long holdId, Decision decision) {
            carry(lane.release(holdId, decision));
        }

        @Override
        public int queuedBehind() {
            return lane.queuedBehind();
        }

        @Override
        public void later(java.time.Duration delay, Runnable task) {
            timers.add(task);
        }
    }

    private void timersFire() {
        List<Runnable> due = new ArrayList<>(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    private static String describe(Decision d) {
        if (d instanceof Decision.Replace r) {
            return "replace " + new String(r.payload(), StandardCharsets.UTF_8);
        }
        if (d instanceof Decision.Close c) {
            return "close " + c.code();
        }
        if (d instanceof Decision.Delay delay) {
            return "delay " + delay.after().toMillis();
        }
        return d instanceof Decision.Drop ? "drop" : d instanceof Decision.Hold ? "hold" : "forward";
    }

    @BeforeEach
    void setUp() {
        point = InterceptPoint.withoutLabels();
        client = new Lane();
        server = new Lane();
    }

    private Breakpoint onText(String text) {
        return point.addBreakpoint(new Breakpoint(0, null, null, null, null, null, null, null, text, null, null, null, false));
    }

    @Test
    void withNoSourceActiveEverythingIsForwardedAndThePointIsInactive() {
        assertThat(point.active()).isFalse();
        client.offer("a");
        client.offer("b");
        assertThat(carriedOut).containsExactly("a:forward", "b:forward");
        onText("zzz");
        assertThat(point.active()).isTrue();
    }

    @Test
    void aHeldMessageHoldsOnlyItsLaneAndLaterOnesQueueBehindInOrder() {
        onText("LOGIN");
        client.offer("hello");
        client.offer("LOGIN 1");
        client.offer("after 1");
        client.offer("after 2");
        server.offer(Direction.SERVER_TO_CLIENT, "welcome");
        assertThat(carriedOut).containsExactly("hello:forward", "welcome:forward");
        List<HeldMessage> held = point.held();
        assertThat(held).hasSize(1);
        assertThat(held.get(0).message().text()).isEqualTo("LOGIN 1");
        assertThat(held.get(0).why()).isEqualTo("breakpoint 1");
        assertThat(held.get(0).queuedBehind()).isEqualTo(2);

        assertThat(point.release(held.get(0).id(), new Decision.Replace("LOGIN 2".getBytes(StandardCharsets.UTF_8), FrameType.TEXT))).isTrue();
        assertThat(carriedOut).containsExactly("hello:forward", "welcome:forward", "LOGIN 1:replace LOGIN 2", "after 1:forward",
                "after 2:forward");
        assertThat(point.held()).isEmpty();
        assertThat(point.release(held.get(0).id(), Decision.FORWARD)).as("released once only").isFalse();
    }

    @Test
    void aMessageQueuedBehindAHoldIsDecidedWhenItReachesTheHead() {
        onText("stop");
        client.offer("stop 1");
        client.offer("stop 2");
        client.offer("go");
        assertThat(point.held()).extracting(h -> h.message().text()).containsExactly("stop 1");
        point.release(point.held().get(0).id(), Decision.DROP);
        assertThat(carriedOut).containsExactly("stop 1:drop");
        assertThat(point.held()).extracting(h -> h.message().text()).containsExactly("stop 2");
        point.release(point.held().get(0).id(), Decision.FORWARD);
        assertThat(carriedOut).containsExactly("stop 1:drop", "stop 2:forward", "go:forward");
    }

    @Test
    void removingTheBreakpointLetsWhatItHeldGoInOrder() {
        Breakpoint b = onText("x");
        client.offer("x1");
        client.offer("x2");
        server.offer(Direction.SERVER_TO_CLIENT, "x3");
        assertThat(point.held()).hasSize(2);
        point.removeBreakpoint(b.id());
        assertThat(point.active()).isFalse();
        assertThat(point.held()).isEmpty();
        assertThat(carriedOut).containsExactly("x1:forward", "x2:forward", "x3:forward");
    }

    @Test
    void closeEndsTheLaneAndAbandonForgetsItsHold() {
        onText("x");
        client.offer("x1");
        client.offer("after");
        point.release(point.held().get(0).id(), new Decision.Close(1011, "boom"));
        assertThat(carriedOut).containsExactly("x1:close 1011");
        client.offer("x2");
        assertThat(carriedOut).hasSize(1);
        assertThat(client.lane.abandon()).containsExactly("after", "x2");

        server.offer(Direction.SERVER_TO_CLIENT, "x9");
        assertThat(point.held()).hasSize(1);
        assertThat(server.lane.abandon()).containsExactly("x9");
        assertThat(point.held()).isEmpty();
    }

    @Test
    void laterSourcesAnswerWhenEarlierOnesHaveNoOpinion() {
        point.addSource(new DecisionSource() {
            @Override
            public Decision decide(InterceptedMessage message) {
                return message.text().startsWith("drop") ? Decision.DROP : null;
            }

            @Override
            public boolean active() {
                return true;
            }
        });
        onText("hold");
        client.offer("drop me");
        client.offer("keep me");
        assertThat(carriedOut).containsExactly("drop me:drop", "keep me:forward");
        client.offer("hold drop");
        assertThat(point.held()).hasSize(1);
    }

    @Test
    void undecidedMessagesKeepTheirPlaceWithoutBeingOffered() {
        onText("x");
        client.offer("x1");
        carriedOut.clear();
        client.carry(client.lane.offer(text(Direction.CLIENT_TO_SERVER, "x close"), "close", false));
        assertThat(carriedOut).isEmpty();
        point.release(point.held().get(0).id(), Decision.FORWARD);
        assertThat(carriedOut).containsExactly("x1:forward", "close:forward");
    }

    private void delaySource(long millis, boolean reorder) {
        point.addSource(new DecisionSource() {
            @Override
            public Decision decide(InterceptedMessage message) {
                return message.text().startsWith("slow") ? new Decision.Delay(java.time.Duration.ofMillis(millis), reorder, null) : null;
            }

            @Override
            public boolean active() {
                return true;
            }
        });
    }

    @Test
    void aDelayedMessageBlocksItsLaneUntilItsTimerAndTheOnesBehindItFollowInOrder() {
        delaySource(60_000, false);
        client.offer("first");
        client.offer("slow 1");
        client.offer("behind");
        server.offer(Direction.SERVER_TO_CLIENT, "other lane");
        assertThat(carriedOut).containsExactly("first:forward", "other lane:forward");
        assertThat(point.held()).as("a delay is not a hold for the user").isEmpty();
        assertThat(client.lane.queuedBehind()).isEqualTo(1);
        timersFire();
        assertThat(carriedOut).containsExactly("first:forward", "other lane:forward", "slow 1:delay 60000", "behind:forward");
        assertThat(client.lane.empty()).isTrue();
    }

    @Test
    void aDelayThatMayReorderDoesNotBlockItsLane() {
        delaySource(60_000, true);
        client.offer("slow 1");
        client.offer("behind");
        assertThat(timers).as("its carrier waits, not the lane").isEmpty();
        assertThat(carriedOut).containsExactly("slow 1:delay 60000", "behind:forward");
    }

    @Test
    void abandoningALaneThatWaitsForADelayLeavesNothingToRelease() {
        delaySource(60_000, false);
        client.offer("slow 1");
        assertThat(client.lane.abandon()).containsExactly("slow 1");
        timersFire();
        assertThat(carriedOut).isEmpty();
    }
}
