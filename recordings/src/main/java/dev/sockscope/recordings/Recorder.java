package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.CaptureListener;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * The capture subscriber that decodes every frame and writes it, with its decoding, to a {@link RecordingStore}.
 * Masks credentials (handshake headers, secret payload fields, the handshake's credentials wherever they appear in
 * frames, JWT signatures) under the store's key unless told to keep them; decodings are masked either way. Runs on its bus
 * subscription's thread, never on a relay thread, so neither decoding nor the database can slow the relay.
 */
public final class Recorder implements CaptureListener {
    private final RecordingStore store;
    private final boolean keepSecrets;
    private final ProtocolRegistry protocols;
    private final SecretMasker masker;
    private final Map<Long, SessionDecoder> sessions = new HashMap<>();

    public Recorder(RecordingStore store, boolean keepSecrets) {
        this(store, keepSecrets, ProtocolRegistry.builtIn());
    }

    public Recorder(RecordingStore store, boolean keepSecrets, ProtocolRegistry protocols) {
        this.store = store;
        this.keepSecrets = keepSecrets;
        this.protocols = protocols;
        this.masker = store.masker();
    }

    @Override
    public void onEvents(List<CaptureEvent> events) throws RecordingException {
        List<CaptureEvent> out = new ArrayList<>(events.size());
        List<FrameDecoding> decodings = new ArrayList<>(events.size());
        List<SessionDecoded> decoded = new ArrayList<>();
        for (CaptureEvent event : events) {
            FrameDecoding decoding = null;
            if (event instanceof CaptureEvent.SessionOpened opened) {
                SessionDecoder decoder = protocols.open(opened.session(), masker);
                sessions.put(opened.sessionId(), decoder);
                choice(opened.sessionId(), decoder.opened(), decoded);
                if (!keepSecrets) {
                    event = new CaptureEvent.SessionOpened(opened.session().withHandshake(masker.mask(opened.session().handshake())));
                }
            } else if (event instanceof CaptureEvent.FrameCaptured captured) {
                RecordedFrame f = captured.frame();
                SessionDecoder decoder = sessions.computeIfAbsent(f.sessionId(), id -> protocols.open(unknownSession(id), masker));
                SessionDecoder.Step step = decoder.decode(f);
                decoding = step.decoding();
                choice(f.sessionId(), step.chosen(), decoded);
                if (!keepSecrets && step.maskedPayload() != null) {
                    event = new CaptureEvent.FrameCaptured(f.withPayload(step.maskedPayload()));
                }
            } else if (event instanceof CaptureEvent.SessionClosed closed) {
                SessionDecoder decoder = sessions.remove(closed.sessionId());
                if (decoder != null) {
                    choice(closed.sessionId(), decoder.finish(), decoded);
                    decoded.add(new SessionDecoded(closed.sessionId(), null, null, null, decoder.unanswered()));
                    if (!keepSecrets && closed.end() != null) {
                        SessionEnd end = closed.end();
                        event = new CaptureEvent.SessionClosed(closed.sessionId(), new SessionEnd(end.endedAtMicros(), end.closeCode(),
                                decoder.maskText(end.closeReason()), end.closedBy(), decoder.maskText(end.error())));
                    }
                }
            }
            out.add(event);
            decodings.add(decoding);
        }
        store.append(out, decodings, decoded);
    }

    private static void choice(long sessionId, SessionDecoder.ProtocolChoice choice, List<SessionDecoded> out) {
        if (choice != null) {
            out.add(new SessionDecoded(sessionId, choice.protocol(), choice.reason(), choice.handshake().toString(), null));
        }
    }

    /** Frames of a session whose opening this recorder never saw (it cannot happen through the bus, but never fail). */
    private static dev.sockscope.wire.SessionInfo unknownSession(long id) {
        return new dev.sockscope.wire.SessionInfo(id, "", "", "", new dev.sockscope.wire.Handshake("/", null, List.of(), 101,
                List.of(), null, List.of()), 0);
    }
}
