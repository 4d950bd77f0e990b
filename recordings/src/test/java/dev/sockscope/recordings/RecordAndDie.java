package dev.sockscope.recordings;

import java.nio.file.Path;

/** A recording process that dies (halts, as a kill would leave it) with session 1 open: for the orphan tests. */
public final class RecordAndDie {
    private RecordAndDie() {
    }

    public static void main(String[] args) throws Exception {
        H2RecordingStore store = H2RecordingStore.open(Path.of(args[0]));
        store.append(Fixtures.decoded(store, Fixtures.chatSession(1).subList(0, 3))); // opened, two frames, never closed
        Runtime.getRuntime().halt(0);
    }
}
