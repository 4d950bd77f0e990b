package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

class H2RecordingStoreTest {
    @TempDir
    Path dir;

    @Test
    void sessionsAndFramesRoundTripThroughTheFile() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, Fixtures.chatSession(store.nextSessionId())));
        }
        assertThat(dir.resolve("sockscope.mv.db")).exists();
        try (H2RecordingStore store = H2RecordingStore.openReader(dir)) {
            List<SessionRecord> sessions = store.sessions(10);
            assertThat(sessions).hasSize(1);
            SessionRecord s = sessions.get(0);
            assertThat(s.id()).isEqualTo(1);
            assertThat(s.frames()).isEqualTo(4);
            assertThat(s.info()).isEqualTo(Fixtures.session(1));
            assertThat(s.end()).isEqualTo(new SessionEnd(Fixtures.T0 + 5000, 1008, "bye", ClosedBy.SERVER, null));

            List<RecordedFrame> frames = store.frames(1, 0, 100);
            assertThat(frames).extracting(RecordedFrame::seq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(frames.get(0).text()).contains("Event.GetConversationList");
            assertThat(frames.get(2).type()).isEqualTo(FrameType.PING);
            assertThat(frames.get(2).payload()).containsExactly(1, 2);
            assertThat(frames.get(3).closeCode()).isEqualTo(1008);
            assertThat(store.frames(1, 2, 1)).extracting(RecordedFrame::seq).containsExactly(3L);
            assertThat(store.nextSessionId()).as("ids continue after the stored ones").isEqualTo(2);
        }
    }

    @Test
    void manyFramesAcrossBatchesAndLargePayloadsAreAllKept() throws Exception {
        int count = 5_000;
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(7)))));
            List<CaptureEvent> batch = new ArrayList<>();
            for (int seq = 1; seq <= count; seq++) {
                int size = seq % 1000 == 0 ? 3 << 20 : 1 + seq % 97; // a few 3 MiB payloads go to LOB storage
                byte[] payload = new byte[size];
                payload[0] = (byte) seq;
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(7, seq, seq, seq % 2 == 0
                        ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER, FrameType.BINARY, payload, 1, null)));
                if (batch.size() == 333) {
                    store.append(Fixtures.decoded(store, batch));
                    batch.clear();
                }
            }
            store.append(Fixtures.decoded(store, batch));
            assertThat(store.session(7).orElseThrow().frames()).isEqualTo(count);
            List<RecordedFrame> all = new ArrayList<>();
            long after = 0;
            List<RecordedFrame> page;
            do {
                page = store.frames(7, after, 700);
                all.addAll(page);
                after = page.isEmpty() ? after : page.get(page.size() - 1).seq();
            } while (!page.isEmpty());
            assertThat(all).hasSize(count);
            assertThat(all).extracting(RecordedFrame::seq).isSorted().doesNotHaveDuplicates();
            assertThat(all.get(999).size()).isEqualTo(3 << 20);
            assertThat(all.get(999).payload()[0]).isEqualTo((byte) 1000);
        }
    }

    @Test
    void aLimitAboveOnePageIsReadPageByPageNotCutShort() throws Exception {
        int count = FrameQuery.MAX_LIMIT * 2 + 17; // a kill -9 test once read "1 000 000" frames and silently got 10 000
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            List<CaptureEvent> events = new ArrayList<>();
            events.add(new CaptureEvent.SessionOpened(Fixtures.session(3)));
            for (int seq = 1; seq <= count; seq++) {
                events.add(new CaptureEvent.FrameCaptured(new RecordedFrame(3, seq, seq, Direction.CLIENT_TO_SERVER,
                        FrameType.TEXT, ("m" + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, null)));
            }
            store.append(Fixtures.decoded(store, events));
            assertThat(store.frames(3, 0, 1_000_000)).hasSize(count).extracting(RecordedFrame::seq)
                    .isSorted().doesNotHaveDuplicates().endsWith((long) count);
            assertThat(store.storedFrames(3, 5, FrameQuery.MAX_LIMIT + 1)).hasSize(FrameQuery.MAX_LIMIT + 1)
                    .first().extracting(f -> f.frame().seq()).isEqualTo(6L);
            assertThat(store.frames(3, count - 3, 100_000)).extracting(RecordedFrame::seq)
                    .containsExactly((long) count - 2, (long) count - 1, (long) count);
        }
    }

    @Test
    void aReaderSeesWhatARunningRecorderHasWritten() throws Exception {
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
            assertThat(dir.resolve(LocalServer.ANNOUNCEMENT)).exists();
            try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
                assertThat(reader.sessions(10)).hasSize(1);
                writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
                assertThat(reader.sessions(10)).extracting(SessionRecord::id).containsExactly(2L, 1L);
            }
            assertThatThrownBy(() -> H2RecordingStore.open(dir))
                    .isInstanceOf(RecordingException.class).hasMessageContaining("in use by another running Sockscope");
        }
        assertThat(dir.resolve(LocalServer.ANNOUNCEMENT)).doesNotExist();
    }

    @Test
    void theLocalServerListensOnLoopbackOnly() throws Exception {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(others::add);
            }
        }
        Assumptions.assumeFalse(others.isEmpty(), "this machine has no address but loopback to try");
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            int port = port(announcement().get(0));
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            }
            for (InetAddress other : others) {
                try (Socket s = new Socket()) {
                    assertThatThrownBy(() -> s.connect(new InetSocketAddress(other, port), 2000))
                            .as("port %d on %s", port, other).isInstanceOf(ConnectException.class);
                }
            }
        }
    }

    @Test
    void theLocalServerAdmitsOnlyTheAnnouncedReaderAndItMayOnlyRead() throws Exception {
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
            List<String> a = announcement();
            String url = a.get(0);
            assertThat(a.get(2)).isEqualTo("SOCKSCOPE_READER");
            String byPath = "jdbc:h2:tcp://127.0.0.1:" + port(url) + "/" + dir.resolve("sockscope");
            assertThatThrownBy(() -> DriverManager.getConnection(byPath, "sa", "").close())
                    .as("the old way in: the file's path, user sa, no password").isInstanceOf(SQLException.class)
                    .hasMessageContaining("Wrong user name or password");
            assertThatThrownBy(() -> DriverManager.getConnection(url, a.get(2), "guess").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
            try (Connection c = DriverManager.getConnection(url, a.get(2), a.get(3)); Statement st = c.createStatement()) {
                var rs = st.executeQuery("SELECT COUNT(*) FROM sessions");
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThatThrownBy(() -> st.execute("CREATE ALIAS RUN FOR 'java.lang.Runtime.getRuntime'"))
                        .hasMessageContaining("Admin rights are required");
                assertThatThrownBy(() -> st.execute("DELETE FROM sessions")).hasMessageContaining("Not enough rights");
                assertThatThrownBy(() -> st.execute("SHUTDOWN")).hasMessageContaining("Admin rights are required");
            }
        }
    }

    @Test
    void eachRunGivesTheReaderANewPassword() throws Exception {
        String first;
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            first = announcement().get(3);
        }
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            assertThat(announcement().get(3)).hasSize(32).isNotEqualTo(first);
        }
    }

    @Test
    void theRecordingsAreReadableByTheirOwnerAlone() throws Exception {
        Assumptions.assumeTrue(OwnerOnly.supported(dir), "POSIX permissions");
        Path folder = dir.resolve("new");
        try (H2RecordingStore writer = H2RecordingStore.open(folder)) {
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("sockscope.mv.db")))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(LocalServer.ANNOUNCEMENT)))).isEqualTo("rw-------");
        }
        // A folder made by an older version, with the default umask: tightened when next opened.
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder.resolve("sockscope.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        H2RecordingStore.open(folder).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("sockscope.mv.db")))).isEqualTo("rw-------");
        // A folder with other things in it keeps its own permissions (--db . in a project); the files are still 0600.
        Path shared = dir.resolve("project");
        Files.createDirectories(shared);
        Files.writeString(shared.resolve("notes.txt"), "x");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        H2RecordingStore.open(shared).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("sockscope.mv.db")))).isEqualTo("rw-------");
    }

    @Test
    void sessionsLeftOpenByADeadRecorderAreEndedByTheNextOpenAndOnlyThose() throws Exception {
        // Session 2 is recorded by this process, which is alive; session 1 by a process that dies with it open.
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(2)))));
        }
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RecordAndDie.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(gone.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            gone.destroyForcibly();
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            // The first to open the folder alone (here a reader) reads session 1 anew from its recording file and ends it.
            assertThat(reader.session(1).orElseThrow().isOpen()).as("its recording process is gone").isFalse();
            assertThat(reader.session(2).orElseThrow().isOpen()).as("its recording process is alive").isTrue();
        }
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            SessionRecord orphan = writer.session(1).orElseThrow();
            assertThat(orphan.end()).isEqualTo(new SessionEnd(Fixtures.T0 + 2000, null, null, ClosedBy.PROXY,
                    "the recording process (pid " + gone.pid() + ") ended without closing this session (killed or crashed)"));
            assertThat(writer.session(2).orElseThrow().isOpen()).as("its recording process is alive").isTrue();
        }
    }

    private List<String> announcement() throws Exception {
        return Files.readAllLines(dir.resolve(LocalServer.ANNOUNCEMENT));
    }

    private static int port(String url) {
        String rest = url.substring("jdbc:h2:tcp://127.0.0.1:".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
    }

    @Test
    void aStaleAnnouncementFromAKilledProcessIsIgnored() throws Exception {
        Files.writeString(dir.resolve(LocalServer.ANNOUNCEMENT), "jdbc:h2:tcp://127.0.0.1:1/\n999999999\n");
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, Fixtures.chatSession(store.nextSessionId())));
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.sessions(10)).hasSize(1);
        }
    }

    @Test
    void aCopyOfALiveFolderIsReadFromItsOwnFilesNotFromTheOriginalsServer() throws Exception {
        Path original = dir.resolve("original");
        Path copy = dir.resolve("copy");
        try (H2RecordingStore writer = H2RecordingStore.open(original)) {
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
            copyFolder(original, copy); // as cp -r would, while the proxy runs: the copy holds session 1 only
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(writer.nextSessionId())));
            assertThat(copy.resolve(LocalServer.ANNOUNCEMENT)).exists();
            try (H2RecordingStore reader = H2RecordingStore.openReader(copy)) {
                assertThat(reader.sessions(10)).as("the copy's own data, not the live original's").extracting(SessionRecord::id)
                        .containsExactly(1L);
            }
            // The copied index was a snapshot H2 was in the middle of writing (it once failed with tables missing, once
            // never finished upgrading): set aside, and the index built from the recording files instead.
            try (var files = Files.list(copy)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("sockscope.mv.db.copied-live-"))
                        .contains("sockscope.mv.db").doesNotContain(LocalServer.ANNOUNCEMENT);
            }
            try (H2RecordingStore copyWriter = H2RecordingStore.open(copy)) {
                assertThat(copyWriter.sessions(10)).extracting(SessionRecord::id).containsExactly(1L);
            }
            try (H2RecordingStore reader = H2RecordingStore.openReader(original)) {
                assertThat(reader.sessions(10)).extracting(SessionRecord::id).containsExactly(2L, 1L);
            }
        }
    }

    private static void copyFolder(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void aBatchWithOneBadEventStillWritesTheOthersAndSaysWhatWasLost() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, Fixtures.chatSession(1)));
            // The same session opened twice: that one record (of its row, its protocol, the block) cannot be indexed, the
            // new frames can.
            List<CaptureEvent> batch = new ArrayList<>(Fixtures.chatSession(1).subList(0, 1));
            batch.add(new CaptureEvent.FrameCaptured(Fixtures.text(1, 10, Direction.CLIENT_TO_SERVER, "late frame")));
            assertThatThrownBy(() -> store.append(Fixtures.decoded(store, batch)))
                    .isInstanceOf(RecordingException.class).hasMessageStartingWith("1 of 3 records could not be indexed");
            assertThat(store.frames(1, 9, 10)).extracting(RecordedFrame::text).containsExactly("late frame");
        }
    }

    @Test
    void readingAFolderWithoutRecordingsSaysSoAndCreatesNothing() {
        Path typo = dir.resolve("recrodings");
        assertThatThrownBy(() -> H2RecordingStore.openReader(typo))
                .isInstanceOf(RecordingException.class).hasMessageStartingWith("no recordings in " + typo);
        assertThat(typo).doesNotExist();
    }

    @Test
    void anUnwritableFolderGivesAClearError() throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> H2RecordingStore.open(file.resolve("db")))
                .isInstanceOf(RecordingException.class).hasMessageContaining("cannot create the recordings folder");
    }
}
