package dev.sockscope.decode.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Reads one session's WebSocket messages as MQTT: each direction's bytes reassembled into packets
 * ({@link PacketStream}), each frame decoded as the packets it completes (several when it holds several), or as the
 * part of a packet it carries. The CONNECT password is reported as a {@link Secret} in whichever frames hold its bytes,
 * so that the stored copy is masked with its length kept.
 */
final class MqttReader implements FrameReader {
    private final int[] level = {0};
    private final PacketStream client = new PacketStream(Direction.CLIENT_TO_SERVER, level);
    private final PacketStream server = new PacketStream(Direction.SERVER_TO_CLIENT, level);
    private final PacketViews views;

    MqttReader(SecretMasker masker) {
        this.views = new PacketViews(masker, level);
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() != FrameType.BINARY) {
            return new DecodeResult.NotMine("MQTT over WebSocket travels in binary messages");
        }
        byte[] payload = frame.payload();
        List<PacketStream.Piece> pieces = (frame.from() == Direction.CLIENT_TO_SERVER ? client : server).feed(payload);
        if (pieces.size() == 1 && pieces.get(0) instanceof PacketStream.Garbage g) {
            return new DecodeResult.Failed("not MQTT", skipped(g));
        }
        List<String> labels = new ArrayList<>(pieces.size());
        List<String> summaries = new ArrayList<>(pieces.size());
        List<Supplier<ObjectNode>> trees = new ArrayList<>(pieces.size());
        List<Correlation> correlations = new ArrayList<>(2);
        List<Warning> warnings = new ArrayList<>(0);
        List<Secret> secrets = new ArrayList<>(0);
        Kind kind = null;
        boolean error = false;
        for (PacketStream.Piece piece : pieces) {
            if (piece instanceof PacketStream.Whole w) {
                password(w.bytes(), w.offset(), payload.length, secrets);
                if (w.parsed() instanceof PacketParser.Ok ok) {
                    PacketViews.View v = views.view(ok.packet(), frame.from());
                    if (v.payloadCredentials() && ok.packet() instanceof MqttPacket.Publish p) {
                        // JSON credentials in the payload: masked in the stored copy, length kept, when the whole payload is here.
                        int end = w.offset() + w.bytes().length;
                        int start = end - p.payload().length;
                        if (start >= 0 && end <= payload.length) {
                            secrets.add(new Secret.Json(start, end, List.of()));
                        }
                    }
                    labels.add(v.label());
                    summaries.add(v.summary());
                    trees.add(v.tree());
                    correlations.addAll(v.correlations());
                    warnings.addAll(v.warnings());
                    kind = kind == null ? v.kind() : kind;
                    error |= v.kind() == Kind.ERROR;
                } else {
                    PacketParser.Bad bad = (PacketParser.Bad) w.parsed();
                    String name = bad.type() == null ? "packet" : bad.type().name();
                    labels.add("malformed " + name);
                    summaries.add(name + " of " + w.bytes().length + " bytes that breaks the spec: " + bad.reason());
                    int length = w.bytes().length;
                    trees.add(() -> {
                        ObjectNode tree = Properties.NODES.objectNode();
                        tree.put("type", name);
                        tree.put("malformed", bad.reason());
                        tree.put("bytes", length);
                        return tree;
                    });
                    warnings.add(Warning.of(Warning.Code.MALFORMED, "malformed " + name + ": " + bad.reason()));
                }
            } else if (piece instanceof PacketStream.Part p) {
                if (p.soFar() != null) {
                    password(p.soFar(), p.offset(), payload.length, secrets);
                }
                labels.add(p.type() + " (part)");
                summaries.add(p.type() + " (part): " + (p.total() < 0 ? bytes(p.have()) : p.have() + " of " + bytes(p.total())) + " so far");
                trees.add(() -> {
                    ObjectNode tree = Properties.NODES.objectNode();
                    tree.put("type", p.type().name());
                    tree.put("part", true);
                    tree.put("bytesSoFar", p.have());
                    if (p.total() >= 0) {
                        tree.put("length", p.total());
                    }
                    return tree;
                });
            } else if (piece instanceof PacketStream.Oversized o) {
                labels.add(o.type() + (o.done() ? " (too large)" : " (part)"));
                summaries.add(o.type() + " of " + o.total() + " bytes" + (o.done() ? "" : " (part)"));
                trees.add(() -> {
                    ObjectNode tree = Properties.NODES.objectNode();
                    tree.put("type", o.type().name());
                    tree.put("length", o.total());
                    return tree;
                });
                if (o.done()) {
                    warnings.add(Warning.of(Warning.Code.NOT_DECODED, "a " + o.type() + " of " + o.total() + " bytes: over the "
                            + (PacketStream.MAX_PACKET >> 20) + " MiB Sockscope reassembles, so not decoded"));
                }
            } else if (piece instanceof PacketStream.Garbage g) {
                warnings.add(Warning.of(Warning.Code.MALFORMED, skipped(g)));
            }
        }
        String label = labels.size() == 1 ? labels.get(0) : String.join(" + ", labels);
        String summary = summaries.size() == 1 ? summaries.get(0) : String.join(" | ", summaries);
        DecodeResult.TreeSource tree = trees.size() == 1 ? trees.get(0)::get : () -> {
            ObjectNode all = Properties.NODES.objectNode();
            ArrayNode packets = all.putArray("packets");
            trees.forEach(t -> packets.add(t.get()));
            return all;
        };
        return new DecodeResult.Decoded(label, error ? Kind.ERROR : kind == null ? Kind.UNKNOWN : kind, summary, warnings, tree,
                secrets, correlations, null);
    }

    private static String bytes(int n) {
        return n == 1 ? "1 byte" : n + " bytes";
    }

    private static String skipped(PacketStream.Garbage g) {
        return "bytes from " + g.from() + " cannot start an MQTT packet (" + g.reason() + "): " + g.skipped()
                + " bytes skipped; reading resumes at the next message that starts a packet";
    }

    /** The password's bytes that lie in this frame, for a CONNECT whose first byte is at {@code offset} in it. */
    private static void password(byte[] packet, int offset, int frameLength, List<Secret> secrets) {
        if (PacketType.of(packet[0] & 0xFF) != PacketType.CONNECT) {
            return;
        }
        int[] span = PacketParser.passwordSpan(packet, 0, packet.length);
        if (span == null) {
            return;
        }
        int start = Math.max(0, offset + span[0]);
        int end = Math.min(frameLength, offset + span[1]);
        if (start < end) {
            secrets.add(new Secret.Span(start, end));
        }
    }
}
