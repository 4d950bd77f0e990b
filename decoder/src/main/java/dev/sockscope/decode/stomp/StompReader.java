package dev.sockscope.decode.stomp;

import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * Reads one session's WebSocket messages as STOMP: text or binary, one or several frames a message, newline
 * heart-beats, and a frame split over messages reassembled (parts labelled as such). Secret header values
 * ({@code passcode}) are reported as {@link Secret}s, so that the stored copy is masked and still parses.
 */
final class StompReader implements FrameReader {
    /** A frame not ended after this many bytes is not waited for any longer. */
    static final int MAX_FRAME = 16 << 20;

    private final FrameViews views;
    private byte[] clientPending;
    private byte[] serverPending;

    StompReader(SecretMasker masker) {
        this.views = new FrameViews(masker);
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        boolean client = frame.from() == Direction.CLIENT_TO_SERVER;
        byte[] pending = client ? clientPending : serverPending;
        byte[] payload = frame.payload();
        byte[] data = pending == null ? payload : concat(pending, payload);
        int shift = data.length - payload.length; // data[i] is payload[i - shift]
        byte[] left = null;
        List<StompParser.Item> items = StompParser.parse(data, 0, data.length);
        List<String> labels = new ArrayList<>(1);
        List<String> summaries = new ArrayList<>(1);
        List<Supplier<ObjectNode>> trees = new ArrayList<>(1);
        List<Correlation> correlations = new ArrayList<>(2);
        List<Warning> warnings = new ArrayList<>(0);
        List<Secret> secrets = new ArrayList<>(0);
        Kind kind = null;
        boolean error = false;
        for (StompParser.Item item : items) {
            if (item instanceof StompParser.Frame f) {
                FrameViews.View v = views.view(f.frame());
                labels.add(v.label());
                summaries.add(v.summary());
                trees.add(v.tree());
                correlations.addAll(v.correlations());
                warnings.addAll(v.warnings());
                kind = kind == null ? v.kind() : kind;
                error |= v.kind() == Kind.ERROR;
                if (v.bodyCredentials() && (frame.type() == dev.sockscope.wire.FrameType.BINARY || f.frame().header("content-length") == null)) {
                    // JSON credentials in the body, masked in the stored copy: in a text frame the mask changes the body's
                    // length, so only where no content-length has to stay true.
                    int end = f.frame().end() - 1;
                    secret(end - f.frame().body().length - shift, end - shift, payload.length, secrets, true);
                }
                for (StompFrame.Header h : f.frame().headers()) {
                    if (FrameViews.isSecret(h.name())) {
                        secret(h.valueStart() - shift, h.valueEnd() - shift, payload.length, secrets);
                    }
                }
            } else if (item instanceof StompParser.HeartBeat b) {
                labels.add("heart-beat");
                summaries.add(b.count() == 1 ? "heart-beat" : b.count() + " heart-beats");
                trees.add(() -> {
                    ObjectNode tree = Bodies.NODES.objectNode();
                    tree.put("heartBeats", b.count());
                    return tree;
                });
                kind = kind == null ? Kind.HEARTBEAT : kind;
            } else if (item instanceof StompParser.Incomplete part) {
                String command = part.command() == null ? "frame" : part.command();
                int have = data.length - part.start();
                if (have > MAX_FRAME) {
                    warnings.add(Warning.of(Warning.Code.NOT_DECODED, "a " + command + " not ended after " + have + " bytes: not waited for any longer"));
                } else {
                    left = Arrays.copyOfRange(data, part.start(), data.length);
                }
                labels.add(command + " (part)");
                summaries.add(command + " (part): " + have + " bytes so far");
                trees.add(() -> {
                    ObjectNode tree = Bodies.NODES.objectNode();
                    tree.put("command", command);
                    tree.put("part", true);
                    tree.put("bytesSoFar", have);
                    return tree;
                });
                partialSecrets(data, part.start(), shift, payload.length, secrets);
            } else if (item instanceof StompParser.Bad bad) {
                warnings.add(Warning.of(Warning.Code.MALFORMED, "bytes from " + Math.max(0, bad.start() - shift)
                        + " are not a STOMP frame: " + bad.reason()));
            }
        }
        if (client) {
            clientPending = left;
        } else {
            serverPending = left;
        }
        if (labels.isEmpty()) {
            return new DecodeResult.Failed("not STOMP", warnings.isEmpty() ? "an empty message" : warnings.get(0).text());
        }
        DecodeResult.TreeSource tree = trees.size() == 1 ? trees.get(0)::get : () -> {
            ObjectNode all = Bodies.NODES.objectNode();
            ArrayNode frames = all.putArray("frames");
            trees.forEach(t -> frames.add(t.get()));
            return all;
        };
        return new DecodeResult.Decoded(String.join(" + ", labels), error ? Kind.ERROR : kind == null ? Kind.UNKNOWN : kind, String.join(" | ", summaries),
                warnings, tree, secrets, correlations, null);
    }

    /** In a frame not yet ended: the values of secret header lines so far, to the line's end or the bytes' end. */
    private static void partialSecrets(byte[] data, int start, int shift, int payloadLength, List<Secret> secrets) {
        int line = StompParser.indexOf(data, (byte) '\n', start, data.length) + 1;
        while (line > 0 && line < data.length && data[line] != '\n' && data[line] != '\r') {
            int next = StompParser.indexOf(data, (byte) '\n', line, data.length);
            int end = next < 0 ? data.length : next;
            int colon = StompParser.indexOf(data, (byte) ':', line, end);
            if (colon > 0 && FrameViews.isSecret(new String(data, line, colon - line, java.nio.charset.StandardCharsets.UTF_8))) {
                secret(colon + 1 - shift, (end > line && data[end - 1] == '\r' ? end - 1 : end) - shift, payloadLength, secrets);
            }
            line = next + 1;
        }
    }

    private static void secret(int start, int end, int payloadLength, List<Secret> secrets) {
        secret(start, end, payloadLength, secrets, false);
    }

    /** A secret in this message's bytes; a JSON body only when it lies here whole. */
    private static void secret(int start, int end, int payloadLength, List<Secret> secrets, boolean json) {
        int s = Math.max(0, start);
        int e = Math.min(payloadLength, end);
        if (json) {
            if (s == start && e == end && s < e) {
                secrets.add(new Secret.Json(s, e, List.of()));
            }
        } else if (s < e) {
            secrets.add(new Secret.Span(s, e));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
