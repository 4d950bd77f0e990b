package dev.sockscope.ui.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;

/** The comparison's rules, on frames made by hand: pairing by correlation, pushes by label, paths, ignores. */
class ReplayComparisonTest {
    private static final Handshake OK = new Handshake("/", null, List.of(), 101, List.of(), null, List.of());

    private static StoredFrame frame(long seq, Direction from, String label, Long answers, String json) {
        Kind kind = from == Direction.CLIENT_TO_SERVER ? Kind.REQUEST : answers == null ? Kind.EVENT : Kind.RESPONSE;
        return new StoredFrame(new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, json.getBytes(StandardCharsets.UTF_8), 1, null),
                new FrameDecoding("test", label, kind, "", answers, answers == null ? null : 10L, List.of()));
    }

    private static StoredFrame request(long seq, String label, String json) {
        return frame(seq, Direction.CLIENT_TO_SERVER, label, null, json);
    }

    private static StoredFrame answer(long seq, String label, long request, String json) {
        return frame(seq, Direction.SERVER_TO_CLIENT, label, request, json);
    }

    private static StoredFrame push(long seq, String label, String json) {
        return frame(seq, Direction.SERVER_TO_CLIENT, label, null, json);
    }

    private static ReplayComparison.Outcome compare(List<StoredFrame> recorded, List<StoredFrame> replayed, String... ignore) {
        return new ReplayComparison(java.util.Arrays.stream(ignore).map(FieldPattern::parse).toList(), f -> {
            try {
                JsonNode n = Json.MAPPER.readTree(f.frame().payload());
                return n.isContainerNode() ? n : null;
            } catch (java.io.IOException e) {
                return null;
            }
        }).compare(OK, recorded, OK, replayed);
    }

    @Test
    void answersArePairedByCorrelationNotByPosition() {
        List<StoredFrame> recorded = List.of(request(1, "A", "{\"id\":1}"), request(2, "B", "{\"id\":2}"),
                answer(3, "A", 1, "{\"id\":1,\"r\":\"a\"}"), answer(4, "B", 2, "{\"id\":2,\"r\":\"b\"}"));
        // The replay's upstream answers B before A, and the relay numbered the frames differently.
        List<StoredFrame> replayed = List.of(request(1, "A", "{\"id\":1}"), request(2, "B", "{\"id\":2}"),
                answer(5, "B", 2, "{\"id\":2,\"r\":\"b\"}"), answer(7, "A", 1, "{\"id\":1,\"r\":\"a\"}"));
        ReplayComparison.Outcome o = compare(recorded, replayed);
        assertThat(o.differences()).isEmpty();
        assertThat(o.answersCompared()).isEqualTo(2);
    }

    @Test
    void aChangedValueIsNamedByItsPathAndIgnoringThePathHidesIt() {
        List<StoredFrame> recorded = List.of(request(1, "GET", "{}"),
                answer(2, "GET", 1, "{\"user\":{\"names\":[{\"name\":\"Ivan\",\"at\":5}]}}"));
        List<StoredFrame> replayed = List.of(request(1, "GET", "{}"),
                answer(2, "GET", 1, "{\"user\":{\"names\":[{\"name\":\"Olga\",\"at\":6}]}}"));
        assertThat(compare(recorded, replayed).differences()).extracting(Difference::describe).containsExactly(
                "answer GET #2 → #2: user.names[0].name \"Ivan\" → \"Olga\"",
                "answer GET #2 → #2: user.names[0].at 5 → 6");
        assertThat(compare(recorded, replayed, "**.at").differences()).extracting(Difference::path)
                .containsExactly("user.names[0].name");
        assertThat(compare(recorded, replayed, "user.names[*].name", "**.at").differences()).isEmpty();
    }

    @Test
    void missingAnswersMissingAndExtraPushesAndFieldsAreEachReported() {
        List<StoredFrame> recorded = List.of(request(1, "A", "{}"), answer(2, "A", 1, "{\"ok\":true}"),
                push(3, "NEWS", "{\"n\":1}"), push(4, "NEWS", "{\"n\":2}"));
        List<StoredFrame> replayed = List.of(request(1, "A", "{}"), push(2, "NEWS", "{\"n\":1,\"more\":1}"), push(3, "ALERT", "{}"));
        assertThat(compare(recorded, replayed).differences()).extracting(d -> d.kind() + " " + d.where() + " " + d.label() + " " + d.path())
                .containsExactly("MISSING answer A $", "EXTRA push NEWS more", "MISSING push NEWS $", "EXTRA push ALERT $");
    }

    @Test
    void fieldPatternsMatchAsDocumented() {
        assertThat(FieldPattern.parse("**.time").matches(List.of("time"))).isTrue();
        assertThat(FieldPattern.parse("**.time").matches(List.of("payload", "[3]", "time"))).isTrue();
        assertThat(FieldPattern.parse("payload.*.id").matches(List.of("payload", "chat", "id"))).isTrue();
        assertThat(FieldPattern.parse("payload.*.id").matches(List.of("payload", "[0]", "id"))).as("* is a field, not an index").isFalse();
        assertThat(FieldPattern.parse("items[*].ts").matches(List.of("items", "[12]", "ts"))).isTrue();
        assertThat(FieldPattern.parse("seq").matches(List.of("payload", "seq"))).isFalse();
    }
}
