package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2LeftoversTest {
    @TempDir
    Path dir;

    /**
     * What H2 leaves when its close fails part way: the index's file store still open in this process, with its
     * background writer and file lock, outside H2's registry. Released, the folder opens again and reads back.
     */
    @Test
    void aFileStoreLeftOpenOnTheIndexIsClosedAndTheFolderOpensAgain() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, Fixtures.chatSession(store.nextSessionId())));
        }
        Path index = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
        assertThat(H2Leftovers.heldHere(index)).as("closed cleanly").isFalse();
        MVStore leftover = new MVStore.Builder().fileName(index.toString()).open(); // writes in the background, as H2 does
        try {
            assertThat(H2Leftovers.heldHere(index)).isTrue();

            assertThat(H2Leftovers.release(index)).isEqualTo(1);

            assertThat(leftover.isClosed()).isTrue();
            assertThat(H2Leftovers.heldHere(index)).isFalse();
            await().atMost(Duration.ofSeconds(10)) // its background writer is told to stop, not waited for
                    .until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains(index.toString())));
            try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
                assertThat(reader.session(1)).isPresent();
            }
        } finally {
            leftover.closeImmediately();
        }
    }

    @Test
    void aFolderNothingHoldsIsLeftAlone() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, Fixtures.chatSession(store.nextSessionId())));
        }
        Path index = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");

        assertThat(H2Leftovers.release(index)).isZero();
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.session(1)).isPresent();
        }
    }

    @Test
    void anIndexH2HasOpenInThisProcessIsLeftAlone() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            Path index = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
            assertThat(H2Leftovers.heldHere(index)).isTrue();
            assertThat(H2Leftovers.openInH2(index)).isTrue();

            assertThat(H2Leftovers.release(index)).isZero();

            store.append(Fixtures.decoded(store, Fixtures.chatSession(store.nextSessionId())));
            assertThat(store.session(1)).isPresent();
        }
    }
}
