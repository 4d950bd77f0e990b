package dev.sockscope.decode;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Decodes the frames of one session, in order, on a subscriber's thread (never a relay thread): chooses the
 * session's {@link ProtocolDecoder} ({@link DecoderChoice}) and pins it, masks every frame ({@link FrameMasking}),
 * hands it to the decoder's {@link FrameReader}, and pairs frames by what the reader says they ask and answer
 * ({@link Correlator}). Frames before the choice get the fallback's decoding.
 *
 * <p>Masks secrets in every frame, whatever decoder runs: conventionally named credential fields of JSON frames and
 * the decoder's secret fields, every credential of the session's handshake wherever it appears (text, binary, control
 * frames), the signature of every JWT, then what the decoder found. The reader reads the frame after the first of
 * these, so no secret of the handshake reaches a label or summary either.
 */
public final class SessionDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDecoder.class);
    static final int CONTENT_TRIES = DecoderChoice.CONTENT_TRIES;
    /**
     * Text frames larger than this are stored (masked by a streaming pass) but not parsed into a tree: a JSON tree
     * costs several times the text in memory and builds at tens of MB/s, a tenth of the streaming pass, so a
     * stream of 10 MiB documents would hold the recorder back (issue 20). maim_message's 1 MB images stay below it.
     */
    static final int MAX_DECODED_BYTES = 4 << 20;
    private static final JsonText.Parsed NOT_ONE_DOCUMENT = new JsonText.Invalid("not one JSON document");
    /** What a decoder may put in a frame's summary and label; longer is cut. */
    private static final int SUMMARY_CHARS = 240;
    private static final int LABEL_CHARS = 120;

    /**
     * One frame's outcome.
     *
     * @param decoding      what the frame is
     * @param maskedPayload the payload with secret fields masked, or null when it holds none
     * @param chosen        the protocol, when this frame is what decided it; null otherwise
     * @param tree          builds the frame's tree as its decoder sees it, or null
     */
    public record Step(FrameDecoding decoding, byte[] maskedPayload, ProtocolChoice chosen, DecodeResult.TreeSource tree) {
    }

    private final SessionInfo session;
    private final SecretMasker masker;
    private final DecoderContext context;
    private final FrameMasking masking;
    private final DecoderChoice choice;
    private final Correlator correlator = new Correlator();
    /** Reads frames no decoder claims: before the choice, and those the chosen one says are not its own. */
    private FrameReader fallback;
    private ProtocolDecoder pinned;
    private FrameReader reader;
    private boolean decided;
    private ProtocolChoice chosen;
    private int failures;

    SessionDecoder(ProtocolRegistry registry, SessionInfo session, SecretMasker masker) {
        this.session = session;
        this.masker = masker;
        this.context = new DecoderContext(session, masker);
        this.masking = new FrameMasking(masker, SecretMasker.credentials(session.handshake()));
        this.choice = DecoderChoice.start(registry, session);
        if (choice.atOpen() != null) {
            decide(choice.atOpen());
        }
    }

    /** The protocol, if the handshake (or the user) already decided it; null while it waits for frames. */
    public ProtocolChoice opened() {
        return chosen;
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
                masked = masking.unparsed(f, secretFields());
            } catch (RuntimeException again) {
                warning += "; masking failed too, so the frame is stored as it came";
            }
            return new Step(new FrameDecoding(protocol, "undecodable", Kind.UNKNOWN, Previews.text(masked != null ? masked : f.payload()),
                    null, null, List.of(Warning.of(Warning.Code.DECODER_FAILED, warning))), masked, null, null);
        }
    }

    private Step decodeUnsafe(RecordedFrame f) {
        if (f.type() == FrameType.TEXT && f.payload().length > MAX_DECODED_BYTES) {
            String protocol = pinned == null ? "text" : pinned.name();
            if (!decided) {
                choice.skipped();
            }
            // Not decoded, but masked all the same: the JSON pass streams (no tree), the rest is a search of the bytes.
            byte[] masked = masking.unparsed(f, secretFields());
            byte[] shown = masked == null ? f.payload() : masked;
            return new Step(new FrameDecoding(protocol, "large text", Kind.UNKNOWN, Previews.text(shown), null, null,
                    List.of(Warning.of(Warning.Code.NOT_DECODED, "not decoded: " + Filters.bytes(f.payload().length) + " is over the "
                            + Filters.bytes(MAX_DECODED_BYTES) + " decoding limit (the frame is stored whole)"))), masked, null, null);
        }
        FrameInput raw = FrameInput.of(f);
        ProtocolChoice chosenNow = null;
        if (!decided && !f.type().isControl()) {
            DecoderChoice.Chosen c = choice.onDataFrame(raw);
            if (c != null) {
                chosenNow = decide(c);
            }
        }
        // What masking needs to know: not JSON, broken JSON (streamed over) or a tree; text that cannot be one JSON
        // document is not parsed to learn it is broken (the reader, or the fallback, parses what it needs).
        JsonText.Parsed parsed = !raw.looksLikeJson() ? null : JsonText.cannotBeJson(f.payload()) ? NOT_ONE_DOCUMENT : raw.parsed();
        byte[] masked = masking.everyProtocol(f, parsed, secretFields());
        FrameInput input = masked == null ? raw : FrameInput.of(f.withPayload(masked));
        if (f.type().isControl()) {
            return new Step(control(input), masked, chosenNow, null);
        }
        FrameReader r = reader != null ? reader : fallback();
        DecodeResult result = r.read(input);
        if (result instanceof DecodeResult.Decoded d) {
            byte[] stored = masked;
            if (!d.secrets().isEmpty()) {
                byte[] more = masking.secrets(input.payload(), f.type(), d.secrets());
                stored = more != null ? more : masked;
            }
            String protocol = d.protocol() != null ? d.protocol() : r == fallback ? FallbackDecoder.NAME : pinned.name();
            FrameDecoding decoding = new FrameDecoding(protocol, cut(d.label(), LABEL_CHARS), d.kind(),
                    cut(d.summary(), SUMMARY_CHARS), null, null, d.warnings());
            return new Step(correlator.apply(f, decoding, d.correlations()), stored, chosenNow, d.tree());
        }
        String name = r == fallback ? FallbackDecoder.NAME : pinned.name();
        if (result instanceof DecodeResult.Failed failed) {
            String shown = f.type() == FrameType.BINARY ? Previews.hex(input.payload()) : Previews.text(input.payload());
            return new Step(new FrameDecoding(name, cut(failed.label(), LABEL_CHARS), Kind.UNKNOWN, shown, null, null,
                    List.of(Warning.of(Warning.Code.MALFORMED, failed.reason()))), masked, chosenNow, null);
        }
        // Not the pinned protocol's frame (the fallback never says so of a data frame): read as the fallback reads it, and said.
        String reason = ((DecodeResult.NotMine) result).reason();
        if (!(fallback().read(input) instanceof DecodeResult.Decoded d)) {
            throw new IllegalStateException("the fallback decoder refused a data frame: " + reason);
        }
        FrameDecoding decoding = new FrameDecoding(d.protocol(), d.label(), d.kind(), d.summary(), null, null, d.warnings())
                .withWarning(Warning.of(Warning.Code.NOT_THIS_PROTOCOL, "not a " + name + " frame: " + reason));
        return new Step(correlator.apply(f, decoding, d.correlations()), masked, chosenNow, d.tree());
    }

    /** A ping, pong or close: the pinned reader's if it says anything, else the WebSocket meaning with the protocol's close codes. */
    private FrameDecoding control(FrameInput input) {
        if (reader != null && reader.read(input) instanceof DecodeResult.Decoded d) {
            FrameDecoding decoding = new FrameDecoding(d.protocol() != null ? d.protocol() : pinned.name(), cut(d.label(), LABEL_CHARS),
                    d.kind(), cut(d.summary(), SUMMARY_CHARS), null, null, d.warnings());
            return correlator.apply(input.frame(), decoding, d.correlations());
        }
        return ControlFrames.decode(input.frame(), pinned == null ? java.util.Map.of() : pinned.closeCodes());
    }

    /** The fallback's reader, opened when a frame first needs it (most sessions are decided at the handshake). */
    private FrameReader fallback() {
        if (fallback == null) {
            fallback = FallbackDecoder.INSTANCE.open(context);
        }
        return fallback;
    }

    /** A decoder's text cut to {@code max} (the usual short one passes untouched, with no scan). */
    private static String cut(String text, int max) {
        return text.length() <= max ? text : Filters.truncate(text, max);
    }

    /**
     * Another version of a frame of this session (the original of a message the user edited) masked as its secret fields
     * and credentials are masked, without decoding it (the session's decoding state is not touched); null when nothing
     * in it is masked.
     */
    public byte[] maskPayload(RecordedFrame other) {
        try {
            return masking.unparsed(other, secretFields());
        } catch (RuntimeException e) {
            return new byte[0]; // cannot be masked: not stored at all rather than stored in the clear
        }
    }

    /**
     * The text with the session's handshake credentials and any JWT signature masked: for what the relay says about
     * the session (close reasons, errors), which may quote what a peer sent.
     */
    public String maskText(String text) {
        return masking.text(text);
    }

    private List<JsonPath> secretFields() {
        return pinned == null ? List.of() : pinned.secretFields();
    }

    private ProtocolChoice decide(DecoderChoice.Chosen c) {
        decided = true;
        pinned = c.decoder();
        String reason = c.reason();
        if (pinned != null) {
            try {
                reader = pinned.open(context);
            } catch (RuntimeException e) {
                LOG.warn("the {} decoder failed to open session {}: {}", pinned.name(), session.id(), e.toString());
                reason += "; but the " + pinned.name() + " decoder failed to open (" + e + "), so decoded as generic";
                pinned = null;
                reader = null;
            }
        }
        String name = pinned == null ? FallbackDecoder.NAME : pinned.name();
        java.util.Map<String, String> meanings = java.util.Map.of();
        try {
            meanings = pinned == null ? meanings : pinned.headerMeanings();
        } catch (RuntimeException e) {
            LOG.warn("the {} decoder failed to explain the handshake of session {}: {}", name, session.id(), e.toString());
        }
        chosen = new ProtocolChoice(name, reason, Handshakes.describe(session.handshake(), meanings, session.startedAtMicros(), masker));
        return chosen;
    }

    /** Seqs of requests that never got an answer, oldest first; call when the session has ended. */
    public List<Long> unanswered() {
        return correlator.unanswered();
    }

    /** The protocol chosen by the end of the session (generic if no frame decided it). */
    public ProtocolChoice finish() {
        if (!decided) {
            return decide(choice.atEnd());
        }
        return null;
    }
}
