package dev.sockscope.ui.exchange;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;

/**
 * A HAR's WebSockets into a store, decoded and masked by the same decoder as live traffic: what {@code sockscope import}
 * does in its own process, and what the inspector's {@code POST /api/import} does inside a running proxy.
 */
public final class HarImporter {
    private HarImporter() {
    }

    /** One session made from the file. */
    public record ImportedSession(long id, int frames, String target) {
    }

    /** What one file gave: the sessions, the other entries skipped, and what the reader noticed. */
    public record Imported(String source, List<ImportedSession> sessions, int skipped, List<String> notices) {
    }

    public static Imported into(RecordingStore store, ProtocolRegistry registry, boolean keepSecrets, JsonNode har, String source)
            throws HarImport.NotHar, RecordingException {
        HarImport.Sessions read = HarImport.read(har, source, store::nextSessionId);
        CaptureDecoder decoding = new CaptureDecoder(registry, store.masker(), keepSecrets);
        List<ImportedSession> made = new ArrayList<>();
        for (List<CaptureEvent> session : read.sessions()) {
            List<DecodedEvent> decoded = decoding.decodeAll(session);
            store.append(decoded);
            DecodedEvent.SessionStarted started = (DecodedEvent.SessionStarted) decoded.get(0);
            made.add(new ImportedSession(started.sessionId(), session.size() - 2,
                    started.session().upstream() + started.session().handshake().path()));
        }
        return new Imported(source, made, read.skipped(), read.notices());
    }
}
