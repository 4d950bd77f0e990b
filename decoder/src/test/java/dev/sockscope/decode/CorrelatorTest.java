package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Pairing as a session service: requests from either peer, keys per scope, answers taking their request's label,
 * streams whose every item points at the opening frame, cancels, chains, and what counts as unanswered.
 */
class CorrelatorTest {
    private static final Direction C = Direction.CLIENT_TO_SERVER;
    private static final Direction S = Direction.SERVER_TO_CLIENT;
    private final Correlator correlator = new Correlator();

    /** Frame {@code seq} at {@code seq} ms, labelled, with these correlations; what the correlator made of it. */
    private FrameDecoding frame(long seq, Direction from, String label, Correlation... correlations) {
        RecordedFrame f = new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, new byte[0], 1, null);
        return correlator.apply(f, new FrameDecoding("p", label, Kind.UNKNOWN, "", null, null, List.of()), List.of(correlations));
    }

    @Test
    void socketIoAcksArePairedPerNamespaceAndInBothDirections() {
        frame(1, C, "chat", Correlation.request("/", "1"));
        frame(2, C, "chat", Correlation.request("/admin", "1"));
        frame(3, S, "ping-me", Correlation.request("/", "1"));
        FrameDecoding adminAck = frame(4, S, "ack", Correlation.answer("/admin", "1"));
        FrameDecoding clientAck = frame(5, C, "ack", Correlation.answer("/", "1"));
        FrameDecoding rootAck = frame(6, S, "ack", Correlation.answer("/", "1"));
        assertThat(adminAck.correlatesWith()).isEqualTo(2L);
        assertThat(adminAck.latencyMicros()).isEqualTo(2000L);
        assertThat(adminAck.label()).as("an ack takes its event's label").isEqualTo("chat");
        assertThat(clientAck.correlatesWith()).as("the server's request, answered by the client").isEqualTo(3L);
        assertThat(clientAck.label()).isEqualTo("ping-me");
        assertThat(rootAck.correlatesWith()).isEqualTo(1L);
        assertThat(correlator.unanswered()).isEmpty();
    }

    @Test
    void everyItemOfAStreamPointsAtItsOpeningFrameUntilTheLastAnswer() {
        frame(1, C, "OnMessageAdded", Correlation.request("", "sub-1"));
        frame(2, C, "GetUser", Correlation.request("", "q-2"));
        FrameDecoding first = frame(3, S, "next", Correlation.streamItem("", "sub-1"));
        FrameDecoding query = frame(4, S, "next", Correlation.streamItem("", "q-2"));
        FrameDecoding second = frame(10, S, "next", Correlation.streamItem("", "sub-1"));
        FrameDecoding complete = frame(12, S, "complete", Correlation.answer("", "sub-1"));
        FrameDecoding late = frame(13, S, "next", Correlation.streamItem("", "sub-1"));
        assertThat(List.of(first, second, complete)).extracting(FrameDecoding::correlatesWith).containsOnly(1L);
        assertThat(List.of(first, second, complete)).extracting(FrameDecoding::latencyMicros).containsExactly(2000L, 9000L, 11000L);
        assertThat(List.of(first, second, complete)).extracting(FrameDecoding::label).containsOnly("OnMessageAdded");
        assertThat(query.correlatesWith()).isEqualTo(2L);
        assertThat(late.correlatesWith()).as("after its last answer the stream is closed").isNull();
        assertThat(late.warnings()).singleElement().isEqualTo(Warning.of(Warning.Code.ANSWERS_NOTHING, "answers no pending request (sub-1)"));
        assertThat(correlator.unanswered()).as("a stream that got items is answered, closed or not").isEmpty();
    }

    @Test
    void aCancelClosesTheRequestersOwnRequestAndPointsAtIt() {
        frame(1, C, "SUBSCRIBE", Correlation.request("subscription", "sub-0"));
        frame(2, C, "SUBSCRIBE", new Correlation.Request("subscription", "sub-1", false));
        FrameDecoding message = frame(3, S, "MESSAGE", new Correlation.Answer("subscription", "sub-1", false, false));
        FrameDecoding cancel = frame(4, C, "UNSUBSCRIBE", Correlation.cancel("subscription", "sub-0"));
        FrameDecoding afterCancel = frame(5, S, "MESSAGE", new Correlation.Answer("subscription", "sub-0", false, false));
        assertThat(message.correlatesWith()).isEqualTo(2L);
        assertThat(message.label()).as("this answer keeps its own label").isEqualTo("MESSAGE");
        assertThat(cancel.correlatesWith()).isEqualTo(1L);
        assertThat(cancel.label()).isEqualTo("UNSUBSCRIBE");
        assertThat(afterCancel.correlatesWith()).isNull();
        assertThat(correlator.unanswered()).isEmpty();
    }

    @Test
    void aServersAnswerToItsOwnRequestIsNoAnswer() {
        frame(1, S, "ping", Correlation.request("", "7"));
        FrameDecoding own = frame(2, S, "pong", Correlation.answer("", "7"));
        assertThat(own.correlatesWith()).isNull();
        assertThat(own.warnings()).extracting(Warning::code).containsExactly(Warning.Code.ANSWERS_NOTHING);
        assertThat(correlator.unanswered()).containsExactly(1L);
    }

    @Test
    void mqttQos2IsAChainOfAnswersThatAreRequestsToo() {
        frame(1, C, "PUBLISH", Correlation.request("publish", "7"));
        FrameDecoding pubrec = frame(2, S, "PUBREC", new Correlation.Answer("publish", "7", true, false), Correlation.request("pubrec", "7"));
        FrameDecoding pubrel = frame(3, C, "PUBREL", new Correlation.Answer("pubrec", "7", true, false), Correlation.request("pubrel", "7"));
        FrameDecoding pubcomp = frame(4, S, "PUBCOMP", new Correlation.Answer("pubrel", "7", true, false));
        assertThat(List.of(pubrec, pubrel, pubcomp)).extracting(FrameDecoding::correlatesWith).containsExactly(1L, 2L, 3L);
        assertThat(List.of(pubrec, pubrel, pubcomp)).extracting(FrameDecoding::label).containsExactly("PUBREC", "PUBREL", "PUBCOMP");
        assertThat(correlator.unanswered()).isEmpty();
    }

    @Test
    void oneFrameMayAnswerSeveralRequestsAndPointsAtTheOldest() {
        frame(1, C, "sum", Correlation.request("", "1"), Correlation.request("", "2"));
        frame(2, C, "notify_hello", Correlation.request("", "3"));
        FrameDecoding batch = frame(5, S, "batch", Correlation.answer("", "3"), Correlation.answer("", "1"), Correlation.answer("", "2"));
        assertThat(batch.correlatesWith()).as("the first answer found").isEqualTo(2L);
        assertThat(batch.label()).isEqualTo("notify_hello");
        assertThat(correlator.unanswered()).isEmpty();
    }

    @Test
    void requestsWithTheSameKeyAreAnsweredOldestFirstAndTheUnansweredOnesListedInOrder() {
        frame(1, C, "Event.Get", Correlation.request("name", "Event.Get"));
        frame(2, C, "Event.Get", Correlation.request("name", "Event.Get"));
        frame(3, C, "Event.Put", Correlation.request("name", "Event.Put"));
        assertThat(frame(4, S, "Event.Get", new Correlation.Answer("name", "Event.Get", true, false)).correlatesWith()).isEqualTo(1L);
        assertThat(correlator.unanswered()).containsExactly(2L, 3L);
    }

    @Test
    void requestsThatMayRightlyGetNoAnswerAreForgottenOldestFirstAndNeverUnanswered() {
        for (int i = 1; i <= Correlator.MAX_OPTIONAL + 10; i++) {
            frame(i, C, "m", new Correlation.Request("id", String.valueOf(i), false));
        }
        assertThat(frame(100_000, S, "r", Correlation.answer("id", "3")).correlatesWith()).as("forgotten").isNull();
        assertThat(frame(100_001, S, "r", Correlation.answer("id", "4000")).correlatesWith()).isEqualTo(4000L);
        assertThat(correlator.unanswered()).isEmpty();
    }
}
