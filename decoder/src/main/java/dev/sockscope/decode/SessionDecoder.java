package dev.sockscope.decode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.PartialPayload;
import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Decodes the frames of one session, in order, on a subscriber's thread (never a relay thread).
 *
 * <p>Chooses the protocol as Wireshark chooses a dissector: the user's {@code --protocol} for the route, else
 * strong handshake evidence (subprotocol, header, cookie), else the first data frame a spec's content test
 * recognises (candidates ranked by weak handshake evidence: path, query, host), else, after
 * {@value #CONTENT_TRIES} unrecognised data frames, the generic fallback. Once chosen, the protocol is pinned.
 * Frames before the choice get the fallback decoding.
 *
 * <p>Masks secrets in every frame, whatever decoder runs: the spec's secret fields and conventionally named
 * credential fields of JSON frames, every credential of the session's handshake wherever it appears (text, binary,
 * control frames), and the signature of every JWT. The decoding (label, summary, tree) is made from the masked frame, so no secret
 * reaches it either.
 */
public final class SessionDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDecoder.class);
    static final int CONTENT_TRIES = 3;
    /** Requests waiting for an answer are kept up to this many per session (a flood of unanswered requests is not a leak). */
    static final int MAX_PENDING = 100_000;
    /**
     * Text frames larger than this are stored (masked by a streaming pass) but not parsed into a tree: a JSON tree
     * costs several times the text in memory and builds at tens of MB/s, a tenth of the streaming pass, so a
     * stream of 10 MiB documents would hold the recorder back (issue 20). maim_message's 1 MB images stay below it.
     */
    static final int MAX_DECODED_BYTES = 4 << 20;

    /**
     * One frame's outcome.
     *
     * @param decoding      what the frame is
     * @param maskedPayload the payload with secret fields masked, or null when it holds none
     * @param chosen        the protocol, when this frame is what decided it; null otherwise
     */
    public record Step(FrameDecoding decoding, byte[] maskedPayload, ProtocolChoice chosen) {
    }

    private record Pending(long seq, long timeMicros, String label) {
    }

    private final SessionInfo session;
    private final SecretMasker masker;
    /** The handshake's credentials, searched for in every frame. */
    private final java.util.Set<String> credentials;
    private final List<SpecDecoder> candidates;
    private SpecDecoder pinned;
    private boolean decided;
    private ProtocolChoice choice;
    private int unrecognised;
    private final Map<String, ArrayDeque<Pending>> pending = new HashMap<>();
    private int pendingCount;
    private int failures;

    SessionDecoder(ProtocolRegistry registry, SessionInfo session, SecretMasker masker) {
        this.session = session;
        this.masker = masker;
        this.credentials = SecretMasker.credentials(session.handshake());
        List<SpecDecoder> ranked = new ArrayList<>();
        String forced = session.protocol();
        if (forced != null) {
            if (forced.equals(FallbackDecoder.NAME)) {
                decide(null, "chosen with --protocol " + forced);
            } else if (registry.find(forced).isPresent()) {
                decide(registry.find(forced).get(), "chosen with --protocol " + forced);
            } else {
                decide(null, "--protocol " + forced + " names no known protocol; decoded as generic");
            }
            this.candidates = List.of();
            return;
        }
        Map<SpecDecoder, SpecDecoder.Evidence> evidence = new HashMap<>();
        for (SpecDecoder d : registry.decoders()) {
            evidence.put(d, d.evidence(session));
            ranked.add(d);
        }
        ranked.sort(Comparator.comparingInt((SpecDecoder d) -> -evidence.get(d).score()));
        SpecDecoder best = ranked.isEmpty() ? null : ranked.get(0);
        if (best != null) {
            SpecDecoder.Evidence e = evidence.get(best);
            boolean strong = e.score() >= SpecDecoder.STRONG;
            boolean unique = ranked.size() == 1 || evidence.get(ranked.get(1)).score() < e.score();
            if (strong && unique) {
                decide(best, "handshake: " + String.join(", ", e.reasons()));
            }
        }
        this.candidates = ranked;
    }

    /** The protocol, if the handshake (or the user) already decided it; null while it waits for frames. */
    public ProtocolChoice opened() {
        return choice;
    }

    /** Decodes the next frame of the session. Never throws. */
    public Step decode(RecordedFrame f) {
        try {
            return decodeUnsafe(f);
        } catch (RuntimeException e) {
            // A decoder bug must cost one frame's label, never the frame or the session.
            if (failures++ < 3) {
                LOG.warn("decoding frame {} of session {} failed: {}", f.seq(), f.sessionId(), e.toString());
            }
            String protocol = pinned == null ? FallbackDecoder.NAME : pinned.name();
            byte[] masked = null;
            String warning = "the " + protocol + " decoder failed on this frame: " + e;
            try {
                masked = maskUnparsed(f);
            } catch (RuntimeException again) {
                warning += "; masking failed too, so the frame is stored as it came";
            }
            return new Step(new FrameDecoding(protocol, "undecodable", Kind.UNKNOWN, Previews.text(masked != null ? masked : f.payload()),
                    null, null, List.of(Warning.of(Warning.Code.DECODER_FAILED, warning))), masked, null);
        }
    }

    private Step decodeUnsafe(RecordedFrame f) {
        if (f.type() == FrameType.TEXT && f.payload().length > MAX_DECODED_BYTES) {
            String protocol = pinned == null ? "text" : pinned.name();
            if (!decided) {
                unrecognised++;
            }
            // Not decoded, but masked all the same: the JSON pass streams (no tree), the rest is a search of the bytes.
            byte[] masked = maskUnparsed(f);
            byte[] shown = masked == null ? f.payload() : masked;
            return new Step(new FrameDecoding(protocol, "large text", Kind.UNKNOWN, Previews.text(shown), null, null,
                    List.of(Warning.of(Warning.Code.NOT_DECODED, "not decoded: " + Filters.bytes(f.payload().length) + " is over the "
                            + Filters.bytes(MAX_DECODED_BYTES) + " decoding limit (the frame is stored whole)"))), masked, null);
        }
        JsonText.Parsed parsed = f.type() == FrameType.TEXT && JsonText.looksLikeJson(f.payload()) ? JsonText.parse(f.payload()) : null;
        ProtocolChoice chosenNow = null;
        if (!decided && !f.type().isControl()) {
            SpecDecoder match = null;
            if (parsed instanceof JsonText.Ok ok) {
                for (SpecDecoder c : candidates) {
                    if (c.recognises(ok.tree())) {
                        match = c;
                        break;
                    }
                }
            }
            if (match != null) {
                chosenNow = decide(match, "content: frame " + f.seq() + " matches the " + match.name() + " spec");
            } else if (++unrecognised >= CONTENT_TRIES) {
                chosenNow = decide(null, "no spec recognised the first " + CONTENT_TRIES + " data frames");
            }
        }
        byte[] masked = mask(f, parsed);
        if (masked != null) {
            f = f.withPayload(masked);
            parsed = parsed == null ? null : JsonText.parse(masked);
        }
        if (pinned == null) {
            FrameDecoding d = f.type().isControl() ? ControlFrames.decode(f, java.util.Map.of()) : FallbackDecoder.decode(f, parsed);
            return new Step(d, masked, chosenNow);
        }
        if (f.type() == FrameType.TEXT && parsed == null) {
            parsed = JsonText.parse(f.payload());
        }
        SpecDecoder.Decoded decoded = pinned.decode(f, parsed, masker);
        return new Step(correlate(f, decoded), masked, chosenNow);
    }

    /**
     * The text with the session's handshake credentials and any JWT signature masked: for what the relay says about
     * the session (close reasons, errors), which may quote what a peer sent.
     */
    public String maskText(String text) {
        return masker.maskText(text, credentials);
    }

    /** Masks a frame without parsing it: JSON-looking text goes through the streaming JSON pass whatever it holds. */
    private byte[] maskUnparsed(RecordedFrame f) {
        return mask(f, f.type() == FrameType.TEXT && JsonText.looksLikeJson(f.payload()));
    }

    /** Masks a frame by its parse (null: not JSON-looking): the JSON pass runs for broken JSON and a tree that may hold a secret. */
    private byte[] mask(RecordedFrame f, JsonText.Parsed parsed) {
        boolean jsonPass = f.type() == FrameType.TEXT && parsed != null
                && (!(parsed instanceof JsonText.Ok ok) || PayloadMasker.mayHoldSecrets(ok.tree(), secretPaths()));
        return mask(f, jsonPass);
    }

    /**
     * The frame as it may be stored, or null when it holds no secret: with {@code jsonPass}, secret and
     * conventionally named fields of JSON (broken JSON matched by field name); then the handshake's credentials and
     * JWT signatures anywhere.
     */
    private byte[] mask(RecordedFrame f, boolean jsonPass) {
        byte[] out = jsonPass ? PayloadMasker.mask(f.text(), secretPaths(), masker) : null;
        byte[] more = masker.maskBytes(out != null ? out : f.payload(), credentials, PartialPayload.isCut(f));
        return more != null ? more : out;
    }

    private List<JsonPath> secretPaths() {
        return pinned == null ? List.of() : pinned.secrets();
    }

    private FrameDecoding correlate(RecordedFrame f, SpecDecoder.Decoded decoded) {
        ProtocolSpec.Correlate rule = pinned.spec().correlate();
        FrameDecoding d = decoded.decoding();
        if (rule == null || decoded.correlationKey() == null) {
            return d;
        }
        boolean fromRequester = f.from() == rule.requestDirection();
        if (fromRequester && rule.requests().contains(d.kind())) {
            if (pendingCount < MAX_PENDING) {
                pending.computeIfAbsent(decoded.correlationKey(), k -> new ArrayDeque<>()).add(new Pending(f.seq(), f.timeMicros(), d.label()));
                pendingCount++;
            }
            return d;
        }
        if (!fromRequester && rule.responses().contains(d.kind())) {
            ArrayDeque<Pending> waiting = pending.get(decoded.correlationKey());
            Pending request = waiting == null ? null : waiting.poll();
            if (request == null) {
                return d.withWarning(Warning.of(Warning.Code.ANSWERS_NOTHING,
                        "answers no pending request (" + rule.key().text() + " " + decoded.correlationKey() + ")"));
            }
            pendingCount--;
            if (waiting.isEmpty()) {
                pending.remove(decoded.correlationKey());
            }
            FrameDecoding answered = d.withCorrelation(request.seq(), Math.max(0, f.timeMicros() - request.timeMicros()));
            if (decoded.labelUnknown()) {
                // The request already carries the warning about its value; the answer is named after its request.
                answered = new FrameDecoding(answered.protocol(), request.label(), answered.kind(), answered.summary(),
                        answered.correlatesWith(), answered.latencyMicros(),
                        answered.warnings().stream().filter(w -> w.code() != Warning.Code.NOT_IN_TABLE).toList());
            }
            return answered;
        }
        return d;
    }

    private ProtocolChoice decide(SpecDecoder decoder, String reason) {
        pinned = decoder;
        decided = true;
        String name = decoder == null ? FallbackDecoder.NAME : decoder.name();
        choice = new ProtocolChoice(name, reason,
                Handshakes.describe(session.handshake(), decoder == null ? null : decoder.spec(), session.startedAtMicros(), masker));
        return choice;
    }

    /** Seqs of requests that never got an answer, oldest first; call when the session has ended. */
    public List<Long> unanswered() {
        List<Long> seqs = new ArrayList<>();
        pending.values().forEach(q -> q.forEach(p -> seqs.add(p.seq())));
        seqs.sort(null);
        return seqs;
    }

    /** The protocol chosen by the end of the session (generic if no frame decided it). */
    public ProtocolChoice finish() {
        if (!decided) {
            decide(null, unrecognised == 0 ? "no data frames" : "no spec recognised the data frames");
            return choice;
        }
        return null;
    }
}
