package dev.sockscope.decode.graphql;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.RecordedFrame;

/**
 * GraphQL over WebSocket, both protocols: {@code graphql-transport-ws} (the graphql-ws library) and the legacy
 * {@code graphql-ws} of subscriptions-transport-ws. Chosen by either subprotocol, else by a first
 * {@code connection_init}. Labels are operations ({@code subscription OnMessage}); every result, error and
 * {@code complete} carries its operation's label and points at the {@code subscribe} (or {@code start}) that opened it.
 */
public final class GraphQlDecoder implements ProtocolDecoder {
    @Override
    public String name() {
        return "graphql";
    }

    @Override
    public String title() {
        return "GraphQL over WebSocket (graphql-transport-ws, legacy graphql-ws)";
    }

    @Override
    public String source() {
        return "https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md";
    }

    @Override
    public List<String> subprotocols() {
        return List.of("graphql-transport-ws", "graphql-ws");
    }

    /** A JSON object whose type is {@code connection_init}: the first message of both protocols. */
    @Override
    public boolean recognises(FrameInput frame) {
        // The first byte first; the parse is the one the session makes of every JSON frame anyway (shared).
        if (!frame.looksLikeJson()) {
            return false;
        }
        JsonNode m = frame.json();
        return m != null && m.isObject() && "connection_init".equals(m.path("type").textValue());
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new GraphQlReader(context);
    }

    /** graphql-ws closes with these codes (PROTOCOL.md); subscriptions-transport-ws closes with 1000 and 1011. */
    @Override
    public Map<Integer, String> closeCodes() {
        return Map.ofEntries(Map.entry(4400, "bad request: an invalid message"), Map.entry(4401, "unauthorized: subscribe before connection_ack"),
                Map.entry(4403, "forbidden: connection_init refused"), Map.entry(4406, "subprotocol not acceptable"),
                Map.entry(4408, "connection_init timeout"), Map.entry(4409, "subscriber for this id already exists"),
                Map.entry(4429, "too many initialisation requests"), Map.entry(4499, "terminated"),
                Map.entry(4500, "internal server error"), Map.entry(4504, "connection_ack timeout"));
    }

    /** Mock answers a live subscribe with the recorded results, each carrying the live operation id. */
    @Override
    public Scripting scripting() {
        return new Scripting() {
            @Override
            public List<FieldPattern> keyFields() {
                return List.of(FieldPattern.parse("id"));
            }

            @Override
            public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
                if (JsonText.parse(answer.text()) instanceof JsonText.Ok a && a.tree() instanceof ObjectNode reply && reply.has("id")
                        && JsonText.parse(liveRequest.text()) instanceof JsonText.Ok live && live.tree().has("id")) {
                    reply.set("id", live.tree().get("id"));
                    return reply.toString().getBytes(StandardCharsets.UTF_8);
                }
                return answer.payload();
            }
        };
    }
}
