package dev.sockscope.decode.signalr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.Filters;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;

/**
 * One record of the JSON hub protocol as a decoded part: the handshake, an invocation labelled with its target, the
 * stream items and completion that answer it (labelled so by the session, from the invocation), pings, close.
 */
final class RecordDecoding {
    /** Correlation scopes: the handshake, and invocation ids (one scope: ids are per connection). */
    static final String HANDSHAKE = "handshake";
    static final String INVOCATION = "";
    private static final int PREVIEW_CHARS = 120;

    private RecordDecoding() {
    }

    static DecodeResult.Decoded of(JsonNode record, Direction from, Invocations invocations) {
        JsonNode type = record.get("type");
        if (type == null) {
            return handshake(record, from);
        }
        HubMessage m = type.canConvertToInt() ? HubMessage.of(type.asInt()) : null;
        if (m == null) {
            return DecodeResult.Decoded.of("type " + type, Kind.UNKNOWN, preview(record))
                    .withWarning(Warning.of(Warning.Code.MALFORMED, "message type " + type + " is not in the JSON hub protocol (1-9)"))
                    .withTree(record);
        }
        ObjectNode tree = JsonNodeFactory.instance.objectNode().put("message", m.title);
        tree.setAll((ObjectNode) record);
        String id = record.path("invocationId").isValueNode() ? record.path("invocationId").asText() : null;
        String target = record.path("target").asText("");
        DecodeResult.Decoded d = switch (m) {
            case INVOCATION, STREAM_INVOCATION -> invocation(m, record, from, id, target, invocations);
            case STREAM_ITEM -> streamItem(record, from, id, invocations);
            case COMPLETION -> completion(record, from, id, invocations);
            case CANCEL_INVOCATION -> {
                String cancelled = id == null ? null : invocations.target(from, id);
                invocations.completed(from, id);
                DecodeResult.Decoded c = DecodeResult.Decoded.of(cancelled != null ? cancelled : m.title, Kind.CONTROL,
                        "cancel invocation " + id);
                yield id == null ? c : c.with(Correlation.cancel(INVOCATION, id));
            }
            case PING -> DecodeResult.Decoded.of("ping", Kind.HEARTBEAT, "ping");
            case CLOSE -> record.hasNonNull("error")
                    ? DecodeResult.Decoded.of("close", Kind.ERROR, "close: " + record.path("error").asText()
                            + (record.path("allowReconnect").asBoolean(false) ? " (may reconnect)" : ""))
                    : DecodeResult.Decoded.of("close", Kind.CONTROL, "close");
            case ACK -> DecodeResult.Decoded.of("ack", Kind.CONTROL, "ack up to " + record.path("sequenceId").asText("?"));
            case SEQUENCE -> DecodeResult.Decoded.of("sequence", Kind.CONTROL, "resend from " + record.path("sequenceId").asText("?"));
        };
        return d.withTree(tree);
    }

    /** The first record each side sends: the client's {@code {"protocol":"json","version":1}}, the server's {@code {}} or error. */
    private static DecodeResult.Decoded handshake(JsonNode record, Direction from) {
        if (record.has("protocol")) {
            return DecodeResult.Decoded.of("handshake", Kind.REQUEST, record.path("protocol").asText("?") + " protocol, version "
                    + record.path("version").asText("?")).with(Correlation.request(HANDSHAKE, "")).withTree(record);
        }
        if (from == Direction.SERVER_TO_CLIENT && record.hasNonNull("error")) {
            return DecodeResult.Decoded.of("handshake", Kind.ERROR, "refused: " + record.path("error").asText())
                    .with(Correlation.answer(HANDSHAKE, "")).withTree(record);
        }
        if (from == Direction.SERVER_TO_CLIENT && record.isEmpty()) {
            return DecodeResult.Decoded.of("handshake", Kind.RESPONSE, "accepted").with(Correlation.answer(HANDSHAKE, "")).withTree(record);
        }
        return DecodeResult.Decoded.of("message", Kind.UNKNOWN, preview(record))
                .withWarning(Warning.of(Warning.Code.MALFORMED, "a hub message without a type"))
                .withTree(record);
    }

    private static DecodeResult.Decoded invocation(HubMessage m, JsonNode record, Direction from, String id, String target,
                                                   Invocations invocations) {
        String label = target.isEmpty() ? m.title : target;
        StringBuilder summary = new StringBuilder(label).append(' ').append(preview(record.path("arguments")));
        DecodeResult.Decoded d;
        if (id == null) {
            d = DecodeResult.Decoded.of(label, Kind.EVENT, summary.toString());
        } else {
            summary.append(" · invocation ").append(id);
            invocations.invoked(from, id, label);
            d = DecodeResult.Decoded.of(label, Kind.REQUEST, summary.toString()).with(Correlation.request(INVOCATION, id));
        }
        for (JsonNode s : record.path("streamIds")) {
            // The invoker streams these arguments itself: its StreamItems and Completion under the stream id are labelled
            // with this target, and the Completion points back here.
            invocations.uploads(from, s.asText(), label);
            d = d.with(new Correlation.Request("upload", s.asText(), false));
        }
        if (record.path("streamIds").size() > 0) {
            d = withSummary(d, d.summary() + " · streams " + record.path("streamIds"));
        }
        return d;
    }

    private static DecodeResult.Decoded streamItem(JsonNode record, Direction from, String id, Invocations invocations) {
        String item = preview(record.path("item"));
        String upload = id == null ? null : invocations.upload(from, id);
        if (upload != null) {
            return DecodeResult.Decoded.of(upload, Kind.EVENT, "stream " + id + " item " + item);
        }
        DecodeResult.Decoded d = DecodeResult.Decoded.of("StreamItem", Kind.RESPONSE, "item " + item + " · invocation " + id);
        return id == null ? d : d.with(Correlation.streamItem(INVOCATION, id));
    }

    private static DecodeResult.Decoded completion(JsonNode record, Direction from, String id, Invocations invocations) {
        boolean error = record.hasNonNull("error");
        String outcome = error ? "error: " + record.path("error").asText()
                : record.has("result") ? "result " + preview(record.path("result")) : "completed";
        String upload = id == null ? null : invocations.upload(from, id);
        if (upload != null) {
            invocations.uploaded(from, id);
            return DecodeResult.Decoded.of(upload, error ? Kind.ERROR : Kind.EVENT, "stream " + id + " " + outcome)
                    .with(Correlation.cancel("upload", id));
        }
        if (id != null) {
            invocations.completed(from.reverse(), id);
        }
        DecodeResult.Decoded d = DecodeResult.Decoded.of("Completion", error ? Kind.ERROR : Kind.RESPONSE, outcome + " · invocation " + id);
        return id == null ? d : d.with(Correlation.answer(INVOCATION, id));
    }

    static String preview(JsonNode node) {
        return node == null || node.isMissingNode() ? "" : Filters.truncate(node.toString(), PREVIEW_CHARS);
    }

    static DecodeResult.Decoded withSummary(DecodeResult.Decoded d, String summary) {
        return new DecodeResult.Decoded(d.label(), d.kind(), summary, d.warnings(), d.tree(), d.secrets(), d.correlations(), d.protocol());
    }
}
