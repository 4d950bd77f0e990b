package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * Capture events in, decoded events out: detection, correlation and masking for every session, with no thread and
 * no socket of its own. The one place frames are decoded: the live {@link DecodingStage}, a recording read again
 * and an imported file all go through it.
 *
 * <p>Masks credentials (handshake headers, secret payload fields, the handshake's credentials wherever they appear
 * in frames, JWT signatures) under {@code masker}'s key unless told to keep them; decodings are masked either way.
 */
public final class CaptureDecoder {
    private final ProtocolRegistry protocols;
    private final SecretMasker masker;
    private final boolean keepSecrets;
    private final Map<Long, SessionDecoder> sessions = new HashMap<>();

    public CaptureDecoder(ProtocolRegistry protocols, SecretMasker masker, boolean keepSecrets) {
        this.protocols = protocols;
        this.masker = masker;
        this.keepSecrets = keepSecrets;
    }

    /** Decodes a batch in order. */
    public List<DecodedEvent> decodeAll(List<CaptureEvent> events) {
        List<DecodedEvent> out = new ArrayList<>(events.size() + 4);
        for (CaptureEvent e : events) {
            decode(e, out::add);
        }
        return out;
    }

    /** Decodes one event, handing what it made to {@code out} (one event, or two when it also decided the protocol). */
    public void decode(CaptureEvent event, Consumer<DecodedEvent> out) {
        if (event instanceof CaptureEvent.SessionOpened opened) {
            SessionInfo session = opened.session();
            SessionDecoder decoder = protocols.open(session, masker);
            sessions.put(session.id(), decoder);
            SessionInfo stored = keepSecrets ? session : session.withHandshake(masker.mask(session.handshake()));
            out.accept(new DecodedEvent.SessionStarted(stored, decoder.opened()));
        } else if (event instanceof CaptureEvent.FrameCaptured captured) {
            RecordedFrame f = captured.frame();
            SessionDecoder decoder = sessions.computeIfAbsent(f.sessionId(), id -> protocols.open(unknownSession(id), masker));
            SessionDecoder.Step step = decoder.decode(f);
            if (step.chosen() != null) {
                out.accept(new DecodedEvent.ProtocolChosen(f.sessionId(), step.chosen()));
            }
            RecordedFrame stored = keepSecrets || step.maskedPayload() == null ? f : f.withPayload(step.maskedPayload());
            if (!keepSecrets && f.provenance() != null && f.provenance().original() != null) {
                // The original of an edited message is what the sender sent: its secrets are masked as the frame's are.
                var p = f.provenance();
                byte[] masked = decoder.maskPayload(new RecordedFrame(f.sessionId(), f.seq(), f.timeMicros(), f.from(),
                        p.originalType() == null ? f.type() : p.originalType(), p.original(), 1, null));
                if (masked != null) {
                    stored = stored.withProvenance(p.withOriginal(masked));
                }
            }
            out.accept(new DecodedEvent.FrameDecoded(stored, step.decoding()));
        } else if (event instanceof CaptureEvent.SessionClosed closed) {
            SessionDecoder decoder = sessions.remove(closed.sessionId());
            if (decoder == null) {
                out.accept(new DecodedEvent.SessionEnded(closed.sessionId(), closed.end(), List.of()));
                return;
            }
            ProtocolChoice late = decoder.finish();
            if (late != null) {
                out.accept(new DecodedEvent.ProtocolChosen(closed.sessionId(), late));
            }
            SessionEnd end = closed.end();
            if (!keepSecrets && end != null) {
                // Close reasons and errors may quote what a peer sent.
                end = new SessionEnd(end.endedAtMicros(), end.closeCode(), decoder.maskText(end.closeReason()),
                        end.closedBy(), decoder.maskText(end.error()));
            }
            out.accept(new DecodedEvent.SessionEnded(closed.sessionId(), end, decoder.unanswered()));
        }
    }

    /** Frames of a session whose opening this decoder never saw (a recording cut at its start): decoded all the same. */
    private static SessionInfo unknownSession(long id) {
        return new SessionInfo(id, "", "", "", new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0);
    }
}
