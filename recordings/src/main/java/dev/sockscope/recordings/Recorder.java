package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.List;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.CaptureEvent;
import dev.sockscope.wire.CaptureListener;
import dev.sockscope.wire.SessionInfo;

/**
 * The capture subscriber that writes every event to a {@link RecordingStore}, masking credentials in
 * handshakes unless told to keep them. Runs on its bus subscription's thread, never on a relay thread.
 */
public final class Recorder implements CaptureListener {
    private final RecordingStore store;
    private final boolean keepSecrets;

    public Recorder(RecordingStore store, boolean keepSecrets) {
        this.store = store;
        this.keepSecrets = keepSecrets;
    }

    @Override
    public void onEvents(List<CaptureEvent> events) throws RecordingException {
        store.append(keepSecrets ? events : masked(events));
    }

    private static List<CaptureEvent> masked(List<CaptureEvent> events) {
        List<CaptureEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof CaptureEvent.SessionOpened opened) {
                if (out == null) {
                    out = new ArrayList<>(events);
                }
                SessionInfo s = opened.session();
                out.set(i, new CaptureEvent.SessionOpened(new SessionInfo(s.id(), s.listen(), s.upstream(),
                        s.clientAddress(), SecretMasker.mask(s.handshake()), s.startedAtMicros())));
            }
        }
        return out == null ? events : out;
    }
}
