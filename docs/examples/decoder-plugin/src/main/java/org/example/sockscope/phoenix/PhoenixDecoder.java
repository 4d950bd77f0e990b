package org.example.sockscope.phoenix;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.Evidence;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Phoenix Channels (Elixir's Phoenix framework) with the V2 JSON serializer that phoenix.js uses by default: every
 * message is {@code [join_ref, ref, topic, event, payload]}. A client message with a {@code ref} is answered by a
 * {@code phx_reply} with the same {@code ref}; {@code heartbeat} on topic {@code phoenix} keeps the socket alive;
 * server messages without a {@code ref} are broadcasts.
 */
public final class PhoenixDecoder implements ProtocolDecoder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public String name() {
        return "phoenix";
    }

    @Override
    public String title() {
        return "Phoenix Channels (V2 JSON serializer)";
    }

    @Override
    public String source() {
        return "https://hexdocs.pm/phoenix/Phoenix.Socket.html";
    }

    @Override
    public String detection() {
        return "path .../websocket with vsn=2.x; content";
    }

    /** phoenix.js connects to {@code /socket/websocket?vsn=2.0.0}: the path and the serializer version together are enough. */
    @Override
    public Evidence evidence(SessionInfo session) {
        String path = session.handshake().path();
        String query = session.handshake().query();
        boolean socketPath = path != null && path.endsWith("/websocket");
        boolean v2 = query != null && (query.startsWith("vsn=2.") || query.contains("&vsn=2."));
        if (socketPath && v2) {
            return Evidence.strong("path " + path + " with vsn=2");
        }
        return socketPath ? Evidence.weak("path " + path) : Evidence.NONE;
    }

    /** Cheap: a JSON array of five whose topic and event are strings. */
    @Override
    public boolean recognises(FrameInput frame) {
        JsonNode m = frame.json();
        return m != null && m.isArray() && m.size() == 5 && m.get(2).isTextual() && m.get(3).isTextual();
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return PhoenixDecoder::read;
    }

    private static DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY) {
            return new DecodeResult.NotMine("this decoder reads the JSON serializer only");
        }
        JsonNode m = frame.json();
        if (m == null || !m.isArray() || m.size() != 5 || !m.get(2).isTextual() || !m.get(3).isTextual()) {
            return new DecodeResult.Failed("invalid message", "a Phoenix message is [join_ref, ref, topic, event, payload]");
        }
        String ref = m.get(1).isNull() ? null : m.get(1).asText();
        String topic = m.get(2).asText();
        String event = m.get(3).asText();
        JsonNode payload = m.get(4);
        boolean phoenix = topic.equals("phoenix");
        DecodeResult.Decoded d;
        if (event.equals("phx_reply")) {
            String status = payload.path("status").asText("?");
            Kind kind = phoenix ? Kind.HEARTBEAT : status.equals("ok") ? Kind.RESPONSE : Kind.ERROR;
            d = DecodeResult.Decoded.of(event, kind, topic + " " + status + " " + compact(payload.path("response")));
            if (ref != null) {
                // The reply takes its request's label (phx_join, new_msg), so a label filter finds both.
                d = d.with(Correlation.answer(ref));
            }
        } else {
            Kind kind = phoenix && event.equals("heartbeat") ? Kind.HEARTBEAT
                    : event.equals("phx_error") ? Kind.ERROR
                    : ref != null && frame.from() == Direction.CLIENT_TO_SERVER ? Kind.REQUEST : Kind.EVENT;
            d = DecodeResult.Decoded.of(event, kind, topic + " " + compact(payload));
            if (ref != null && frame.from() == Direction.CLIENT_TO_SERVER) {
                d = d.with(Correlation.request(ref));
            }
        }
        ObjectNode tree = NODES.objectNode();
        tree.set("join_ref", m.get(0));
        tree.set("ref", m.get(1));
        tree.put("topic", topic);
        tree.put("event", event);
        tree.set("payload", payload);
        return d.withTree(tree);
    }

    private static String compact(JsonNode node) {
        String s = node == null || node.isMissingNode() ? "" : node.toString();
        return s.length() <= 120 ? s : s.substring(0, 119) + "…";
    }

    /** Mock answers a live request with a recorded reply carrying the live {@code ref} and {@code join_ref}. */
    @Override
    public Scripting scripting() {
        return new Scripting() {
            @Override
            public List<FieldPattern> keyFields() {
                return List.of(FieldPattern.parse("ref"), FieldPattern.parse("join_ref"));
            }

            @Override
            public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
                if (!(JsonText.parse(answer.text()) instanceof JsonText.Ok a) || !(JsonText.parse(liveRequest.text()) instanceof JsonText.Ok live)
                        || !a.tree().isArray() || a.tree().size() != 5 || !live.tree().isArray() || live.tree().size() != 5) {
                    return answer.payload();
                }
                ArrayNode reply = (ArrayNode) a.tree();
                reply.set(0, live.tree().get(0));
                reply.set(1, live.tree().get(1));
                return reply.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        };
    }
}
