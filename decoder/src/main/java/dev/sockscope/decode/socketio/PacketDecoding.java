package dev.sockscope.decode.socketio;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Secret;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;

/**
 * What one Socket.IO packet says, as a decoded frame: its label (the event name, {@code CONNECT /admin}), kind,
 * summary, tree, the ack or connect it asks or answers, and the credentials of a CONNECT's auth payload as secrets.
 */
final class PacketDecoding {
    /** Correlation scopes: acks are per namespace (the same id may be open in / and /admin), connects keyed by namespace. */
    static final String ACK_SCOPE = "ack ";
    static final String CONNECT_SCOPE = "connect";

    private PacketDecoding() {
    }

    /**
     * @param packet    the packet
     * @param from      who sent it
     * @param text      the whole frame's text ({@code 4} and the packet)
     * @param masker    masks the auth payload for display
     */
    static DecodeResult.Decoded of(SocketPacket packet, Direction from, String text, SecretMasker masker) {
        boolean client = from == Direction.CLIENT_TO_SERVER;
        SocketPacket p = packet;
        List<Secret> secrets = List.of();
        if (!(client && p.type() == SocketPacket.Type.CONNECT) && p.payload() != null) {
            JsonNode shown = PayloadSecrets.shown(p.payload(), masker);
            if (shown != p.payload()) {
                Secret.Span span = Secret.inText(text, 1 + p.jsonStart(), text.length());
                secrets = List.of(new Secret.Json(span.start(), span.end(), List.of()));
                p = p.withPayload(shown);
            }
        }
        String ns = p.rootNamespace() ? "" : p.namespace() + " ";
        ObjectNode tree = Json.NODES.objectNode();
        tree.put("engine.io", "message");
        tree.put("type", p.type().name());
        tree.put("namespace", p.namespace());
        DecodeResult.Decoded d = switch (p.type()) {
            case CONNECT -> client ? clientConnect(p, ns, text, tree, masker) : serverConnect(p, ns, tree);
            case CONNECT_ERROR -> connectError(p, ns, tree);
            case DISCONNECT -> DecodeResult.Decoded.of(named("DISCONNECT", p), Kind.CONTROL, (ns + "disconnect").trim());
            case EVENT, BINARY_EVENT -> event(p, ns, tree);
            case ACK, BINARY_ACK -> ack(p, ns, tree);
        };
        if (p.attachments() > 0) {
            tree.put("attachments", p.attachments());
            d = withSummary(d, d.summary() + " · " + p.attachments() + (p.attachments() == 1 ? " attachment" : " attachments"));
        }
        return d.withSecrets(secrets).withTree(tree);
    }

    private static DecodeResult.Decoded clientConnect(SocketPacket p, String ns, String text, ObjectNode tree, SecretMasker masker) {
        AuthSecrets.Masked auth = p.payload() == null ? null : AuthSecrets.mask(p.payload(), masker);
        if (auth != null) {
            tree.set("auth", auth.tree());
        }
        DecodeResult.Decoded d = DecodeResult.Decoded.of(named("CONNECT", p), Kind.REQUEST,
                        (ns + "connect " + (auth == null ? "" : "auth " + Json.preview(auth.tree()))).trim())
                .with(Correlation.request(CONNECT_SCOPE, p.namespace()));
        if (auth != null && !auth.paths().isEmpty()) {
            // The JSON after the packet header is not the frame's one document, so the session cannot find it alone.
            Secret.Span span = Secret.inText(text, 1 + p.jsonStart(), text.length());
            d = d.withSecret(new Secret.Json(span.start(), span.end(), auth.paths()));
        }
        return d;
    }

    private static DecodeResult.Decoded serverConnect(SocketPacket p, String ns, ObjectNode tree) {
        if (p.payload() != null) {
            tree.set("data", p.payload());
        }
        String sid = p.payload() == null ? "" : p.payload().path("sid").asText("");
        return DecodeResult.Decoded.of(named("CONNECT", p), Kind.RESPONSE, (ns + "connected" + (sid.isEmpty() ? "" : " sid " + sid)).trim())
                .with(Correlation.answer(CONNECT_SCOPE, p.namespace()));
    }

    private static DecodeResult.Decoded connectError(SocketPacket p, String ns, ObjectNode tree) {
        tree.set("error", p.payload());
        JsonNode message = p.payload().isObject() ? p.payload().path("message") : p.payload();
        return DecodeResult.Decoded.of(named("CONNECT_ERROR", p), Kind.ERROR,
                        ns + "refused: " + (message.isTextual() ? message.textValue() : Json.preview(p.payload())))
                // Keeps its own label, so that refusals are found as such; it still points at its CONNECT.
                .with(new Correlation.Answer(CONNECT_SCOPE, p.namespace(), true, false));
    }

    private static DecodeResult.Decoded event(SocketPacket p, String ns, ObjectNode tree) {
        String name = p.eventName();
        tree.put("event", name);
        List<JsonNode> args = new ArrayList<>();
        for (int i = 1; i < p.payload().size(); i++) {
            args.add(p.payload().get(i));
        }
        tree.putArray("args").addAll(args);
        StringBuilder summary = new StringBuilder(ns).append(name);
        for (JsonNode a : args) {
            summary.append(' ').append(Json.preview(a));
        }
        if (p.ackId() == null) {
            return DecodeResult.Decoded.of(name, Kind.EVENT, summary.toString());
        }
        tree.put("ackId", p.ackId());
        summary.append(" · ack ").append(p.ackId());
        return DecodeResult.Decoded.of(name, Kind.REQUEST, summary.toString())
                .with(Correlation.request(ACK_SCOPE + p.namespace(), Long.toString(p.ackId())));
    }

    private static DecodeResult.Decoded ack(SocketPacket p, String ns, ObjectNode tree) {
        tree.set("args", p.payload());
        if (p.ackId() != null) {
            tree.put("ackId", p.ackId());
        }
        String summary = ns + "ack " + (p.ackId() == null ? "(no id)" : p.ackId()) + " " + Json.preview(p.payload());
        DecodeResult.Decoded d = DecodeResult.Decoded.of("ACK", Kind.RESPONSE, summary);
        // The ack takes its event's label (the answer to "chat" is labelled chat).
        return p.ackId() == null ? d : d.with(Correlation.answer(ACK_SCOPE + p.namespace(), Long.toString(p.ackId())));
    }

    /** {@code CONNECT} in the main namespace, {@code CONNECT /admin} in another. */
    private static String named(String type, SocketPacket p) {
        return p.rootNamespace() ? type : type + " " + p.namespace();
    }

    static DecodeResult.Decoded withSummary(DecodeResult.Decoded d, String summary) {
        return new DecodeResult.Decoded(d.label(), d.kind(), summary, d.warnings(), d.tree(), d.secrets(), d.correlations(), d.protocol());
    }
}
