package dev.sockscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.wire.RecordedFrame;

/** What a recordings folder holds once its proxy has stopped, read through the recordings API as {@code frames} reads it. */
record RecordedSessions(Map<SessionRecord, List<RecordedFrame>> sessions) {
    static RecordedSessions read(Path db) throws Exception {
        Map<SessionRecord, List<RecordedFrame>> all = new LinkedHashMap<>();
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            List<SessionRecord> oldestFirst = new ArrayList<>(store.sessions(100));
            java.util.Collections.reverse(oldestFirst);
            for (SessionRecord s : oldestFirst) {
                List<RecordedFrame> frames = new ArrayList<>();
                for (List<RecordedFrame> page = store.frames(s.info().id(), 0, 100); !page.isEmpty();
                     page = store.frames(s.info().id(), page.get(page.size() - 1).seq(), 100)) {
                    frames.addAll(page);
                }
                all.put(s, frames);
            }
        }
        return new RecordedSessions(all);
    }

    List<SessionRecord> list() {
        return List.copyOf(sessions.keySet());
    }

    List<RecordedFrame> frames(SessionRecord s) {
        return sessions.get(s);
    }
}
