package dev.sockscope.ui.exchange;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.Json;

/**
 * One JSON object per line per frame, for scripts ({@code jq}, pandas): {@code sessionId} and every field of
 * {@code frames --json} (payload, wire shape, note, decoding, warnings). Payloads as stored: masked unless the
 * recording kept its secrets.
 */
public final class JsonlExport {
    private static final int PAGE = 2000;

    private JsonlExport() {
    }

    public static void write(RecordingStore store, List<SessionRecord> sessions, OutputStream out) throws IOException, RecordingException {
        for (SessionRecord s : sessions) {
            Set<Long> unanswered = s.unanswered() == null ? Set.of() : new HashSet<>(s.unanswered());
            long after = 0;
            List<StoredFrame> page;
            do {
                page = store.storedFrames(s.id(), after, PAGE);
                for (StoredFrame f : page) {
                    ObjectNode line = Json.MAPPER.createObjectNode().put("sessionId", s.id());
                    line.setAll((ObjectNode) Json.MAPPER.valueToTree(FrameView.of(f, unanswered.contains(f.seq()), null)));
                    out.write(Json.MAPPER.writeValueAsBytes(line));
                    out.write('\n');
                    after = f.seq();
                }
            } while (page.size() == PAGE);
        }
        out.flush();
    }

}
