package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * A session's {@code journal_end} lags behind its recording file while it is recorded (issue 20): written when it
 * starts (0) and ends, at most once a second in between, and for every session at a clean close. An index left behind
 * by that lag is caught up without a frame twice, and a folder closed cleanly is not behind its files.
 */
class JournalEndLagTest {
    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private static final int PER_BATCH = 50;

    /** Frames {@code from}..{@code from + PER_BATCH - 1} of session {@code id}. */
    private static List<CaptureEvent> frames(long id, long from) {
        List<CaptureEvent> out = new ArrayList<>();
        for (long seq = from; seq < from + PER_BATCH; seq++) {
            out.add(new CaptureEvent.FrameCaptured(Fixtures.text(id, seq, seq % 2 == 0 ? Direction.SERVER_TO_CLIENT
                    : Direction.CLIENT_TO_SERVER, "{\"session\":" + id + ",\"n\":" + seq + "}")));
        }
        return out;
    }

    private static CaptureEvent end(long id) {
        return new CaptureEvent.SessionClosed(id, new SessionEnd(Fixtures.T0 + 999_000, 1000, "", ClosedBy.CLIENT, null));
    }

    /**
     * Session 1 opened with frames in one batch (its journal end stays 0), more frames in the next; session 2 the same
     * and ended; session 3 opened and ended in one batch.
     */
    private static void record(H2RecordingStore store) throws Exception {
        List<CaptureEvent> first = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            first.add(new CaptureEvent.SessionOpened(Fixtures.session(id)));
            first.addAll(frames(id, 1));
        }
        first.add(end(3));
        store.append(Fixtures.decoded(store, first));
        List<CaptureEvent> second = new ArrayList<>(frames(1, PER_BATCH + 1));
        second.addAll(frames(2, PER_BATCH + 1));
        second.add(end(2));
        store.append(Fixtures.decoded(store, second));
    }

    private static Map<Long, Long> journalEnds(Connection c) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, journal_end FROM sessions")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static Connection index(Path folder) throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + folder.resolve(H2RecordingStore.FILE_NAME) + ";ACCESS_MODE_DATA=r", "sa", "");
    }

    private static long fileSize(Path folder, long id) throws Exception {
        return Files.size(Journal.file(folder, id));
    }

    @Test
    void anIndexLeftBehindByTheLagIsCaughtUpWithEveryFrameOnce() throws Exception {
        Path copy = elsewhere.resolve("copy");
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store);
            store.checkpoint();
            // What a kill -9 now leaves (every commit on disk, the recorder alive as far as the copy can tell, so its open
            // session is caught up from its journal end rather than rebuilt): the copy, without the server's announcement.
            copyFolder(dir, copy);
        }
        try (Connection c = index(copy)) {
            Map<Long, Long> ends = journalEnds(c);
            assertThat(ends.get(1L)).as("session 1 opened in a batch and still open: its journal end not written").isZero();
            assertThat(ends.get(2L)).as("ended: written at its end").isEqualTo(fileSize(copy, 2));
            assertThat(ends.get(3L)).as("opened and ended in one batch").isEqualTo(fileSize(copy, 3));
            assertThat(JournalReplay.behind(c, copy)).isTrue();
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(copy)) {
            assertThat(reader.session(1).orElseThrow().isOpen()).as("its recording process is alive").isTrue();
            for (long id = 1; id <= 3; id++) {
                int count = id == 3 ? PER_BATCH : 2 * PER_BATCH;
                List<RecordedFrame> frames = reader.frames(id, 0, 100_000);
                assertThat(frames).as("session %d", id).hasSize(count).extracting(RecordedFrame::seq).isSorted().doesNotHaveDuplicates();
                assertThat(frames.get(count - 1).text()).isEqualTo("{\"session\":" + id + ",\"n\":" + count + "}");
            }
        }
        try (Connection c = index(copy)) {
            assertThat(journalEnds(c).get(1L)).as("caught up").isEqualTo(fileSize(copy, 1));
            assertThat(JournalReplay.behind(c, copy)).isFalse();
        }
    }

    @Test
    void aFolderClosedCleanlyIsNotBehindItsFiles() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store); // session 1 left open, its journal end held back
        }
        try (Connection c = index(dir)) {
            Map<Long, Long> ends = journalEnds(c);
            for (long id = 1; id <= 3; id++) {
                assertThat(ends.get(id)).as("session %d", id).isEqualTo(fileSize(dir, id));
            }
            assertThat(JournalReplay.behind(c, dir)).isFalse();
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.frames(1, 0, 100_000)).hasSize(2 * PER_BATCH);
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
            long written = journalEnds(c).get(1L);
            assertThat(written).isLessThanOrEqualTo(fileSize(dir, 1)).isGreaterThan(Journal.HEADER);
        }
    }

    /** A reader's connection to the index a live store serves. */
    private static Connection live(Path folder) throws Exception {
        LocalServer.Announcement a = LocalServer.findLive(folder).orElseThrow();
        return DriverManager.getConnection(a.url(), a.user(), a.password());
    }

    private static void copyFolder(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(LocalServer.ANNOUNCEMENT)) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
