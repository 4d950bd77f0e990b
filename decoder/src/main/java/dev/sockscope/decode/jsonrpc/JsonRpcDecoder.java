package dev.sockscope.decode.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
 * JSON-RPC 2.0 over WebSocket: calls labelled by method, notifications as events, answers paired by id in any order and
 * labelled with their call's method, error answers as errors, batches, and rpc-websockets' events
 * ({@code {"notification":"tick"}}). Chosen by content: a message (or a batch's first) with {@code "jsonrpc":"2.0"}. A
 * user's spec named {@code json-rpc} ({@code --protocols}) replaces it.
 */
public final class JsonRpcDecoder implements ProtocolDecoder {

    @Override
    public String name() {
        return "json-rpc";
    }

    @Override
    public String title() {
        return "JSON-RPC 2.0";
    }

    @Override
    public String source() {
        return "https://www.jsonrpc.org/specification";
    }

    @Override
    public String detection() {
        return "content: {\"jsonrpc\":\"2.0\"} or a batch of them";
    }

    @Override
    public boolean recognises(FrameInput frame) {
        // The first byte first; the parse is the one the session makes of every JSON frame anyway (shared).
        if (!frame.looksLikeJson()) {
            return false;
        }
        JsonNode m = frame.json();
        if (m != null && m.isArray()) {
            m = m.get(0);
        }
        return m != null && m.isObject() && "2.0".equals(m.path("jsonrpc").textValue());
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new JsonRpcReader(context);
    }

    /** Mock answers a live call with a recorded answer carrying the live id (in a batch, each the id of its call). */
    @Override
    public Scripting scripting() {
        return new Scripting() {
            @Override
            public List<FieldPattern> keyFields() {
                return List.of(FieldPattern.parse("id"), FieldPattern.parse("[*].id"));
            }

            @Override
            public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
                if (!(JsonText.parse(answer.text()) instanceof JsonText.Ok a) || !(JsonText.parse(recordedRequest.text()) instanceof JsonText.Ok recorded)
                        || !(JsonText.parse(liveRequest.text()) instanceof JsonText.Ok live)) {
                    return answer.payload();
                }
                // Recorded call id to live call id, position by position.
                Map<JsonNode, JsonNode> ids = new HashMap<>();
                List<JsonNode> was = calls(recorded.tree());
                List<JsonNode> now = calls(live.tree());
                for (int i = 0; i < Math.min(was.size(), now.size()); i++) {
                    if (was.get(i).has("id") && now.get(i).has("id")) {
                        ids.put(was.get(i).get("id"), now.get(i).get("id"));
                    }
                }
                boolean changed = false;
                for (JsonNode reply : calls(a.tree())) {
                    JsonNode liveId = reply.has("id") ? ids.get(reply.get("id")) : null;
                    if (liveId != null && reply instanceof ObjectNode o) {
                        o.set("id", liveId);
                        changed = true;
                    }
                }
                return changed ? a.tree().toString().getBytes(StandardCharsets.UTF_8) : answer.payload();
            }
        };
    }

    private static List<JsonNode> calls(JsonNode tree) {
        if (tree.isArray()) {
            List<JsonNode> out = new java.util.ArrayList<>();
            tree.forEach(out::add);
            return out;
        }
        return List.of(tree);
    }
}
