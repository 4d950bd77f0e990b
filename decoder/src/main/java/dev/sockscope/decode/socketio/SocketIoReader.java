package dev.sockscope.decode.socketio;

import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Reads one Socket.IO session: Engine.IO packets in text frames, the Socket.IO packets inside its messages, and the
 * binary frames that are attachments of the packet before them (per direction). Pings and pongs are paired
 * heartbeats; the attachments point back at their packet.
 */
final class SocketIoReader implements FrameReader {
    /** Correlation scope of Engine.IO pings (keyed by their data: empty, or {@code probe} during an upgrade). */
    static final String PING_SCOPE = "ping";

    private final DecoderContext context;
    private final Map<Direction, Attachments> awaited = new EnumMap<>(Direction.class);
    /** The event names of acks awaited, for the attachments of a BINARY_ACK (the session labels the ack itself). */
    private final AckLabels ackLabels = new AckLabels();

    SocketIoReader(DecoderContext context) {
        this.context = context;
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY) {
            return binary(frame);
        }
        Attachments owed = awaited.remove(frame.from());
        DecodeResult result = text(frame);
        if (owed != null && !owed.complete() && result instanceof DecodeResult.Decoded d) {
            // socket.io-parser refuses this too ("got plaintext data when reconstructing a packet").
            return d.withWarning(Warning.of(Warning.Code.MALFORMED, owed.missing() + " attachment(s) of frame #" + owed.packetSeq()
                    + " never came before this text frame"));
        }
        return result;
    }

    private DecodeResult text(FrameInput frame) {
        String text = frame.text();
        EnginePacket packet = EnginePacket.parse(text);
        if (packet == null) {
            return new DecodeResult.Failed("invalid packet", text.isEmpty() ? "an empty Engine.IO packet"
                    : "'" + text.charAt(0) + "' is not an Engine.IO packet type (0-6)");
        }
        return switch (packet.type()) {
            case OPEN -> open(packet);
            case PING -> DecodeResult.Decoded.of("ping", Kind.HEARTBEAT, packet.data().isEmpty() ? "ping" : "ping " + packet.data())
                    // A ping the peer closes on rather than answers is no unanswered request.
                    .with(new Correlation.Request(PING_SCOPE, packet.data(), false));
            case PONG -> DecodeResult.Decoded.of("pong", Kind.HEARTBEAT, packet.data().isEmpty() ? "pong" : "pong " + packet.data())
                    .with(new Correlation.Answer(PING_SCOPE, packet.data(), true, false));
            case CLOSE -> DecodeResult.Decoded.of("close", Kind.CONTROL, "Engine.IO close");
            case UPGRADE -> DecodeResult.Decoded.of("upgrade", Kind.CONTROL, "upgrade to WebSocket");
            case NOOP -> DecodeResult.Decoded.of("noop", Kind.CONTROL, "noop");
            case MESSAGE -> message(frame, packet, text);
        };
    }

    private static DecodeResult open(EnginePacket packet) {
        if (!(JsonText.parse(packet.data()) instanceof JsonText.Ok ok) || !ok.tree().isObject()) {
            return new DecodeResult.Failed("open", "an Engine.IO open packet holds a JSON object");
        }
        JsonNode o = ok.tree();
        ObjectNode tree = Json.NODES.objectNode().put("engine.io", "open");
        tree.setAll((ObjectNode) o);
        String summary = "sid " + o.path("sid").asText("?") + ", ping every " + o.path("pingInterval").asText("?") + " ms, timeout "
                + o.path("pingTimeout").asText("?") + " ms";
        return DecodeResult.Decoded.of("open", Kind.CONTROL, summary).withTree(tree);
    }

    private DecodeResult message(FrameInput frame, EnginePacket packet, String text) {
        PacketParser.Result parsed = PacketParser.parse(packet.data());
        if (parsed instanceof PacketParser.Bad bad) {
            return new DecodeResult.Failed("invalid packet", bad.reason());
        }
        SocketPacket p = ((PacketParser.Ok) parsed).packet();
        DecodeResult.Decoded d = PacketDecoding.of(p, frame.from(), text, context.masker());
        String label = d.label();
        if (p.ackId() != null && p.type().isEvent()) {
            ackLabels.opened(frame.from(), p.namespace(), p.ackId(), label);
        } else if (p.ackId() != null && p.type().isAck()) {
            label = ackLabels.answered(frame.from(), p.namespace(), p.ackId(), label);
        }
        if (p.attachments() > 0) {
            for (int i = 0; i < p.attachments(); i++) {
                // Each attachment closes its own link (the same peer sends them), pointing back at this packet.
                d = d.with(new Correlation.Request(Attachments.SCOPE, Attachments.key(frame.seq(), i), false));
            }
            awaited.put(frame.from(), new Attachments(frame.seq(), label, d.kind(), p.attachments(), d.buildTree()));
        }
        return d;
    }

    private DecodeResult binary(FrameInput frame) {
        Attachments owed = awaited.get(frame.from());
        String shown = Json.hex(frame.payload());
        if (owed == null) {
            return DecodeResult.Decoded.of("message", Kind.EVENT, "binary message " + shown)
                    .withTree(Json.NODES.objectNode().put("engine.io", "message").put("binary", shown));
        }
        int num = owed.next();
        JsonNode packet = owed.take(shown);
        if (owed.complete()) {
            awaited.remove(frame.from());
        }
        ObjectNode tree = Json.NODES.objectNode();
        tree.put("attachment", num);
        tree.put("of", owed.total());
        tree.put("packetSeq", owed.packetSeq());
        tree.put("binary", shown);
        tree.set("packet", packet);
        // The attachment is part of its packet: named and kinded as it, so that a filter on the packet finds it too.
        return DecodeResult.Decoded.of(owed.label(), owed.kind(), "attachment " + (num + 1) + "/" + owed.total() + " of #"
                        + owed.packetSeq() + ": " + shown)
                .with(Correlation.cancel(Attachments.SCOPE, Attachments.key(owed.packetSeq(), num)))
                .withTree(tree);
    }
}
