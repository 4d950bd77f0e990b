package dev.sockscope.ui.views;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.Utf8Validator;
import dev.sockscope.wire.WireShape;

/**
 * A frame as --json and the HTTP API show it: {@code text} for text frames (and {@code base64} as well
 * when the bytes are not valid UTF-8), {@code base64} for the others, close code and reason for close frames,
 * and what the decoder made of it: protocol, label, kind, summary, the request it answers and after how long,
 * warnings, (on request) the decoded tree, and, for a frame that was not simply relayed, its provenance: edited,
 * injected or sent by the proxy, dropped, held.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FrameView(long seq, String time, long timeMicros, String from, String type, int size, int fragments,
                        String text, String base64, Integer closeCode, String closeReason, String note,
                        String protocol, String label, String kind, String summary, Long correlatesWith, Double latencyMs,
                        List<String> warnings, WireShape wire, JsonNode decoded, ProvenanceView provenance) {

    /**
     * Where a frame came from and what became of it: {@code origin} (wire, user-edited, user-injected, proxy, rule),
     * {@code delivery} (delivered, dropped, not-sent), {@code heldMs} when it was held, and the original of an edited
     * message ({@code originalText} for text, {@code originalBase64} otherwise); for what a rule did, {@code by}
     * ({@code rule slow-login}) and {@code effect} ({@code delayed 250 ms}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProvenanceView(String origin, String delivery, Double heldMs, String originalType, String originalText,
                                 String originalBase64, String by, String effect) {
        public static ProvenanceView of(Provenance p) {
            if (p == null) {
                return null;
            }
            String text = null;
            String base64 = null;
            if (p.original() != null) {
                if (p.originalType() == FrameType.TEXT && Utf8Validator.isValid(p.original())) {
                    text = new String(p.original(), java.nio.charset.StandardCharsets.UTF_8);
                } else {
                    base64 = Base64.getEncoder().encodeToString(p.original());
                }
            }
            return new ProvenanceView(p.origin().label(), p.delivery().label(), p.heldMicros() == 0 ? null : p.heldMicros() / 1000.0,
                    p.originalType() == null ? null : p.originalType().label(), text, base64, p.by(), p.effect());
        }
    }

    /**
     * @param unanswered whether the session ended with this request still waiting for its answer
     * @param decoded    the decoded tree, or null to leave it out
     */
    public static FrameView of(StoredFrame sf, boolean unanswered, JsonNode decoded) {
        RecordedFrame f = sf.frame();
        String text = null;
        String base64 = null;
        if (f.type() == FrameType.TEXT) {
            text = f.text();
            if (!Utf8Validator.isValid(f.payload())) {
                base64 = Base64.getEncoder().encodeToString(f.payload());
            }
        } else {
            base64 = Base64.getEncoder().encodeToString(f.payload());
        }
        FrameDecoding d = sf.decoding();
        List<String> warnings = warnings(sf, unanswered);
        return new FrameView(f.seq(), Times.iso(f.timeMicros()), f.timeMicros(), f.from().sender(), f.type().label(),
                f.size(), f.fragments(), text, base64, f.closeCode(), f.closeReason(), f.note(),
                d == null ? null : d.protocol(), d == null ? null : d.label(), d == null ? null : d.kind().label(),
                d == null ? null : d.summary(), d == null ? null : d.correlatesWith(),
                d == null || d.latencyMicros() == null ? null : d.latencyMicros() / 1000.0,
                d == null && warnings.isEmpty() ? null : warnings, f.wire(), decoded, ProvenanceView.of(f.provenance()));
    }

    /** The same view without the payload ({@code text}, {@code base64}): a timeline row, light whatever the frame's size. */
    public FrameView withoutPayload() {
        return new FrameView(seq, time, timeMicros, from, type, size, fragments, null, null, closeCode, closeReason, note,
                protocol, label, kind, summary, correlatesWith, latencyMs, warnings, wire, decoded, provenance);
    }

    /**
     * Everything wrong with a frame, for {@code --warnings} and the views: what the relay noted (a protocol
     * violation passed through, a recording cut short, not delivered), then the decoder's warnings.
     */
    public static List<String> warnings(StoredFrame sf, boolean unanswered) {
        List<String> out = new ArrayList<>();
        if (sf.frame().note() != null) {
            out.add(sf.frame().note());
        }
        if (sf.decoding() != null) {
            sf.decoding().warnings().forEach(w -> out.add(w.text()));
        }
        if (unanswered) {
            out.add("never answered: the session ended first");
        }
        return out;
    }
}
