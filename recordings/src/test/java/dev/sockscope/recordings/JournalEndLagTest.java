package dev.sockscope.recordings;

import static dev.sockscope.recordings.RecordLaggingAndDie.PER_BATCH;
import static dev.sockscope.recordings.RecordLaggingAndDie.frames;
import static dev.sockscope.recordings.RecordLaggingAndDie.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.RecordedFrame;

/**
 * A session's {@code journal_end} lags behind its recording file while it is recorded (issue 20): its row starts at
 * 0, and it is written when the session ends, at most once a second in between, and for every session at a clean
 * close or when the recording stops. An index left behind by that lag is caught up without a frame twice, after a
 * kill too, and a folder closed cleanly is not behind its files.
 */
class JournalEndLagTest {
    @TempDir
    Path dir;

    private static Map<Long, Long> journalEnds(Connection c) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, journal_end FROM sessions")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The index of a folder no process holds, opened as a file. */
    private static Connection index(Path folder, boolean readOnly) throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + folder.resolve(H2RecordingStore.FILE_NAME)
                + (readOnly ? ";ACCESS_MODE_DATA=r" : ""), "sa", "");
    }

    /** A reader's connection to the index a live store serves. */
    private static Connection live(Path folder) throws Exception {
        LocalServer.Announcement a = LocalServer.findLive(folder).orElseThrow();
        return DriverManager.getConnection(a.url(), a.user(), a.password());
    }

    private static long fileSize(Path folder, long id) throws Exception {
        return Files.size(Journal.file(folder, id));
    }

    /** Sessions 1 and 2 hold 2 batches of frames, session 3 one, each frame once and in order. */
    private static void assertEveryFrameOnce(H2RecordingStore reader) throws Exception {
        for (long id = 1; id <= 3; id++) {
            int count = id == 3 ? PER_BATCH : 2 * PER_BATCH;
            List<RecordedFrame> frames = reader.frames(id, 0, 100_000);
            assertThat(frames).as("session %d", id).hasSize(count).extracting(RecordedFrame::seq).isSorted().doesNotHaveDuplicates();
            assertThat(frames.get(count - 1).text()).isEqualTo("{\"session\":" + id + ",\"n\":" + count + "}");
        }
    }

    @Test
    void anIndexLeftBehindByTheLagIsCaughtUpWithEveryFrameOnce() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            long started = System.nanoTime();
            record(store);
            boolean withinTheSecond = System.nanoTime() - started < JournaledWriter.JOURNAL_END_EVERY_NANOS;
            try (Connection c = live(dir)) {
                Map<Long, Long> ends = journalEnds(c);
                if (withinTheSecond) { // (a slower machine may take longer, and write it at its second batch)
                    assertThat(ends.get(1L)).as("session 1, open: its journal end held back").isZero();
                }
                assertThat(ends.get(2L)).as("ended: written at its end").isEqualTo(fileSize(dir, 2));
                assertThat(ends.get(3L)).as("opened and ended in one batch").isEqualTo(fileSize(dir, 3));
            }
        }
        // What the lag leaves when the store is not closed (its recorder still alive, so the catch-up reads session 1's
        // file from its journal end over rows the index has, rather than indexing it anew): the journal end back at 0.
        try (Connection c = index(dir, false); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE sessions SET journal_end = 0 WHERE id = 1")).isEqualTo(1);
            assertThat(JournalReplay.behind(c, dir)).isTrue();
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.session(1).orElseThrow().isOpen()).as("its recording process is alive").isTrue();
            assertEveryFrameOnce(reader);
        }
        try (Connection c = index(dir, true)) {
            assertThat(journalEnds(c).get(1L)).as("caught up").isEqualTo(fileSize(dir, 1));
            assertThat(JournalReplay.behind(c, dir)).isFalse();
        }
    }

    @Test
    void afterAKillEveryFrameIsReadOnce() throws Exception {
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RecordLaggingAndDie.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            killed.destroyForcibly();
        }
        assertThat(killed.exitValue()).as("halted after recording").isZero();
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.session(1).orElseThrow().isOpen()).as("left open by a process that is gone: ended").isFalse();
            assertEveryFrameOnce(reader);
        }
        try (Connection c = index(dir, true)) {
            assertThat(JournalReplay.behind(c, dir)).isFalse();
        }
    }

    @Test
    void aFolderClosedCleanlyIsNotBehindItsFiles() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store); // session 1 left open, its journal end held back
        }
        try (Connection c = index(dir, true)) {
            Map<Long, Long> ends = journalEnds(c);
            for (long id = 1; id <= 3; id++) {
                assertThat(ends.get(id)).as("session %d", id).isEqualTo(fileSize(dir, id));
            }
            assertThat(JournalReplay.behind(c, dir)).isFalse();
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertEveryFrameOnce(reader);
        }
    }

    @Test
    void aRecordingThatStopsWritesEveryJournalEnd() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store);
            store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(4)))));
            assertThat(store.stopRecording(new java.io.IOException("No space left on device")))
                    .startsWith("2 of 2 open sessions were ended");
            try (Connection c = live(dir); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, journal_end, ended_at FROM sessions ORDER BY id")) {
                while (rs.next()) {
                    assertThat(rs.getLong(2)).as("session %d", rs.getLong(1)).isEqualTo(fileSize(dir, rs.getLong(1)));
                    assertThat(rs.getObject(3)).as("session %d ended", rs.getLong(1)).isNotNull();
                }
            }
        }
    }

    @Test
    void anOpenSessionsJournalEndMovesOnAtMostOnceASecond() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir); Connection c = live(dir)) {
            long started = System.nanoTime();
            store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(1)))));
            long[] seq = {1};
            store.append(Fixtures.decoded(store, frames(1, seq[0])));
            seq[0] += PER_BATCH;
            if (System.nanoTime() - started < JournaledWriter.JOURNAL_END_EVERY_NANOS) { // (a slower machine may take longer)
                assertThat(journalEnds(c).get(1L)).as("held back within the second").isZero();
            }
            // Batches go on; within about a second one of them writes how far the index holds the file.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                store.append(Fixtures.decoded(store, frames(1, seq[0])));
                seq[0] += PER_BATCH;
                return journalEnds(c).get(1L) > 0;
            });
            assertThat(journalEnds(c).get(1L)).isLessThanOrEqualTo(fileSize(dir, 1)).isGreaterThan(Journal.HEADER);
        }
    }
}
