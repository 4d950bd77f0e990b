package dev.sockscope.decode.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecodeResult.Decoded;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Reads one session of GraphQL over WebSocket, either protocol: the message types of {@code graphql-transport-ws}
 * (graphql-ws: subscribe, next, ping, pong) and of the legacy {@code graphql-ws} (subscriptions-transport-ws: start,
 * data, stop, ka, connection_terminate) do not overlap where they differ, so one reader reads both.
 *
 * <p>Keeps the label of each open operation by its id, so that every result, the error that ends it and the client's
 * cancel carry it, and the ids the client cancelled, so that the legacy server's {@code complete} after a {@code stop}
 * is no orphan.
 */
final class GraphQlReader implements FrameReader {
    static final String CONNECTION = "connection";
    static final String OPERATION = "operation";
    /** Open operations remembered per session; beyond this the oldest are forgotten (a flood is not a leak). */
    static final int MAX_OPERATIONS = 10_000;
    private static final FieldPattern EVERY_PAYLOAD_STRING = FieldPattern.parse("payload.**");

    private final DecoderContext context;
    private final Map<String, String> open = bounded();
    private final Map<String, String> cancelled = bounded();
    /** Pings each peer sent that no pong answered yet: a pong answers one, an unsolicited pong (a keep-alive) none. */
    private int clientPings;
    private int serverPings;

    GraphQlReader(DecoderContext context) {
        this.context = context;
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY) {
            return new DecodeResult.NotMine("GraphQL over WebSocket messages are JSON text");
        }
        JsonNode m = frame.json();
        if (m == null) {
            return frame.parsed() instanceof JsonText.Invalid invalid ? new DecodeResult.Failed("invalid JSON", invalid.reason())
                    : new DecodeResult.Failed("invalid message", "a GraphQL over WebSocket message is a JSON object");
        }
        if (!m.isObject() || !m.path("type").isTextual()) {
            return new DecodeResult.Failed("invalid message", "a GraphQL over WebSocket message is a JSON object with a string type");
        }
        boolean client = frame.from() == Direction.CLIENT_TO_SERVER;
        String type = m.get("type").asText();
        String id = idOf(m.get("id"));
        JsonNode payload = m.get("payload");
        Decoded d = switch (type) {
            case "connection_init" -> connectionInit((ObjectNode) m, payload, frame.payload().length);
            case "connection_ack" -> Decoded.of(type, Kind.RESPONSE, withPayload(type, payload))
                    .with(new Correlation.Answer(CONNECTION, "init", true, false));
            case "connection_error" -> Decoded.of(type, Kind.ERROR, "connection refused: " + errorText(payload))
                    .with(new Correlation.Answer(CONNECTION, "init", true, false));
            case "connection_terminate" -> Decoded.of(type, Kind.CONTROL, "the client ends the connection");
            case "ka" -> Decoded.of(type, Kind.HEARTBEAT, "keep-alive");
            case "ping", "pong" -> heartbeat(type, client, payload);
            case "subscribe", "start" -> start(type, id, payload);
            case "start_ack" -> startAck(id);
            case "next", "data" -> result(type, id, payload);
            case "error" -> error(id, payload);
            case "complete" -> client ? cancel(type, id) : complete(id);
            case "stop" -> cancel(type, id);
            default -> Decoded.of(type, Kind.UNKNOWN, Compact.json(m))
                    .withWarning(Warning.of(Warning.Code.NOT_IN_TABLE, "'" + Compact.oneLine(type) + "' is not a GraphQL over WebSocket message type"));
        };
        if (id == null && needsId(type)) {
            d = d.withWarning(Warning.of(Warning.Code.MALFORMED, "a " + type + " message needs an id"));
        }
        return d.withTree(m);
    }

    /** The connection's parameters are the client's credentials as a rule: every string in them is masked. */
    private Decoded connectionInit(ObjectNode m, JsonNode payload, int length) {
        if (payload != null && payload.isContainerNode()) {
            maskStrings(payload);
        }
        return Decoded.of("connection_init", Kind.REQUEST, withPayload("connection_init", payload))
                .with(new Correlation.Request(CONNECTION, "init", true))
                .withSecret(new Secret.Json(0, length, java.util.List.of(EVERY_PAYLOAD_STRING)));
    }

    private Decoded heartbeat(String type, boolean client, JsonNode payload) {
        Decoded d = Decoded.of(type, Kind.HEARTBEAT, withPayload(type, payload));
        if (type.equals("ping")) {
            if (client) {
                clientPings++;
            } else {
                serverPings++;
            }
            return d.with(new Correlation.Request("ping", "", false));
        }
        // A pong answers the other peer's ping, if one is waiting.
        if (client && serverPings > 0) {
            serverPings--;
            return d.with(new Correlation.Answer("ping", "", true, false));
        }
        if (!client && clientPings > 0) {
            clientPings--;
            return d.with(new Correlation.Answer("ping", "", true, false));
        }
        return d;
    }

    private Decoded start(String type, String id, JsonNode payload) {
        payload = request(payload);
        JsonNode query = payload == null ? null : payload.get("query");
        JsonNode name = payload == null ? null : payload.get("operationName");
        String operationName = name != null && name.isTextual() ? name.asText() : null;
        Operation op = Operation.of(query != null && query.isTextual() ? query.asText() : null, operationName);
        String label = op != null ? op.label() : operationName != null ? "operation " + operationName : type;
        StringBuilder summary = new StringBuilder();
        if (query != null && query.isTextual()) {
            summary.append(Compact.oneLine(query.asText()));
        } else {
            summary.append(type).append(" without query text ").append(Compact.json(payload));
        }
        JsonNode variables = payload == null ? null : payload.get("variables");
        if (variables != null && variables.size() > 0) {
            summary.append(" variables ").append(Compact.json(variables));
        }
        Decoded d = Decoded.of(label, Kind.REQUEST, summary.toString());
        if (id == null) {
            return d;
        }
        if (open.containsKey(id)) {
            d = d.withWarning(Warning.of(Warning.Code.MALFORMED, "operation id " + id + " is already open"));
        }
        open.put(id, label);
        cancelled.remove(id);
        return d.with(new Correlation.Request(OPERATION, id, true));
    }

    /**
     * The GraphQL request of a start: the payload itself, or (AWS AppSync's real-time protocol, subprotocol
     * {@code graphql-ws}) the JSON document in its {@code data} string.
     */
    private static JsonNode request(JsonNode payload) {
        if (payload != null && !payload.has("query") && payload.path("data").isTextual()
                && JsonText.parse(payload.get("data").asText()) instanceof JsonText.Ok ok && ok.tree().isObject()) {
            return ok.tree();
        }
        return payload;
    }

    /** AppSync acknowledges a start before its first data: an item of the operation's stream. */
    private Decoded startAck(String id) {
        Decoded d = Decoded.of(labelOf(id, "start_ack"), Kind.RESPONSE, "start_ack");
        return id == null ? d : d.with(new Correlation.Answer(OPERATION, id, false, true));
    }

    private Decoded result(String type, String id, JsonNode payload) {
        JsonNode errors = payload == null ? null : payload.get("errors");
        boolean failed = errors != null && errors.isArray() && !errors.isEmpty();
        String summary = failed ? "errors: " + errorText(errors) : type + " " + Compact.json(payload == null ? null : payload.get("data"));
        Decoded d = Decoded.of(labelOf(id, type), failed ? Kind.ERROR : Kind.RESPONSE, summary);
        return id == null ? d : d.with(new Correlation.Answer(OPERATION, id, false, true));
    }

    private Decoded error(String id, JsonNode payload) {
        Decoded d = Decoded.of(labelOf(id, "error"), Kind.ERROR, "error: " + errorText(payload));
        if (id == null) {
            return d;
        }
        open.remove(id);
        return d.with(new Correlation.Answer(OPERATION, id, true, true));
    }

    private Decoded complete(String id) {
        String ended = id == null ? null : cancelled.remove(id);
        if (ended != null) {
            // The legacy server confirms a stop with a complete: the operation already ended.
            return Decoded.of(ended, Kind.RESPONSE, "complete (after the client's stop)");
        }
        Decoded d = Decoded.of(labelOf(id, "complete"), Kind.RESPONSE, "complete");
        if (id == null) {
            return d;
        }
        open.remove(id);
        return d.with(new Correlation.Answer(OPERATION, id, true, true));
    }

    private Decoded cancel(String type, String id) {
        String label = id == null ? null : open.remove(id);
        Decoded d = Decoded.of(label != null ? label : type, Kind.EVENT,
                type + (label != null ? " (the client ends " + label + ")" : ""));
        if (id == null) {
            return d;
        }
        if (label != null) {
            cancelled.put(id, label);
        }
        return d.with(Correlation.cancel(OPERATION, id));
    }

    private String labelOf(String id, String otherwise) {
        String label = id == null ? null : open.get(id);
        return label != null ? label : otherwise;
    }

    private static boolean needsId(String type) {
        return switch (type) {
            case "subscribe", "start", "start_ack", "next", "data", "complete", "stop" -> true;
            default -> false;
        };
    }

    private static String idOf(JsonNode id) {
        return id == null || !(id.isTextual() || id.isNumber()) ? null : id.asText();
    }

    private static String withPayload(String type, JsonNode payload) {
        return payload == null || payload.isNull() || payload.isEmpty() && payload.isContainerNode() ? type : type + " " + Compact.json(payload);
    }

    /** The messages of a GraphQL error list (or one error, or a legacy error object), first one and how many more. */
    static String errorText(JsonNode errors) {
        if (errors == null || errors.isNull()) {
            return "(no message)";
        }
        JsonNode first = errors.isArray() ? errors.path(0) : errors;
        String message = first.path("message").isTextual() ? first.get("message").asText() : Compact.json(first);
        int more = errors.isArray() ? errors.size() - 1 : 0;
        return Compact.oneLine(message) + (more > 0 ? " (+" + more + " more)" : "");
    }

    private void maskStrings(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.properties().forEach(e -> {
                if (e.getValue().isTextual()) {
                    e.setValue(o.textNode(context.masker().mask(e.getValue().asText())));
                } else {
                    maskStrings(e.getValue());
                }
            });
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    a.set(i, a.textNode(context.masker().mask(a.get(i).asText())));
                } else {
                    maskStrings(a.get(i));
                }
            }
        }
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_OPERATIONS;
            }
        };
    }
}
