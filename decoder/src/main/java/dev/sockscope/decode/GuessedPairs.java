package dev.sockscope.decode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.Direction;

/**
 * Pairs a message with an earlier message of the other peer that has the same conventional id ({@code id},
 * {@code seq}, {@code requestId}, ...), as a guess: the fallback's rule for JSON, and that of decoders of
 * self-describing formats (MessagePack, CBOR, protobuf) whose messages carry such ids. One per session reader.
 * A message nobody answers is never listed as unanswered.
 */
public final class GuessedPairs {
    /** Fields that conventionally carry a request's id back in its answer, tried in this order. */
    static final List<String> ID_FIELDS = List.of("id", "seq", "requestId", "request_id", "reqId", "req_id", "correlationId",
            "correlation_id", "ref", "rid");
    /**
     * Ids remembered per session to pair answers with; the oldest are forgotten beyond this, well before the
     * correlator forgets its optional requests ({@link Correlator#MAX_OPTIONAL}), so a guessed answer always finds one.
     */
    private static final int REMEMBERED = Correlator.MAX_OPTIONAL / 4;

    private final Map<String, Integer> open = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * {@code d} as an answer to an earlier message of the other peer with the same conventional id (kind response, or
     * error when the tree has an {@code error}; named after its request unless {@code named}), else as a message that
     * may get one.
     */
    public DecodeResult.Decoded pair(Direction from, JsonNode tree, DecodeResult.Decoded d, boolean named) {
        String field = null;
        String id = null;
        if (tree.isObject()) {
            for (String f : ID_FIELDS) {
                JsonNode v = tree.get(f);
                if (v != null && (v.isTextual() || v.isIntegralNumber()) && !v.asText().isEmpty() && v.asText().length() <= 64) {
                    field = f;
                    id = v.asText();
                    break;
                }
            }
        }
        if (id == null) {
            return d;
        }
        String theirs = from.reverse().sender() + '\u0000' + field + '\u0000' + id;
        Integer waiting = open.get(theirs);
        if (waiting != null) {
            if (waiting <= 1) {
                open.remove(theirs);
            } else {
                open.put(theirs, waiting - 1);
            }
            JsonNode error = tree.get("error");
            Kind kind = error != null && !error.isNull() && !(error.isBoolean() && !error.asBoolean()) ? Kind.ERROR : Kind.RESPONSE;
            DecodeResult.Decoded answer = new DecodeResult.Decoded(d.label(), kind, d.summary(), d.warnings(), d.tree(), d.secrets(),
                    d.correlations(), d.protocol());
            // An answer with a name of its own keeps it; one without is named after its request.
            return answer.with(new Correlation.Answer(field, id, true, !named));
        }
        open.merge(from.sender() + '\u0000' + field + '\u0000' + id, 1, Integer::sum);
        return d.with(new Correlation.Request(field, id, false));
    }
}
