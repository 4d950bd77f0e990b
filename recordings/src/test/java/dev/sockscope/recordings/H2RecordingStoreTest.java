package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.wire.CaptureEvent;
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
            store.append(Fixtures.chatSession(store.nextSessionId()));
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
            store.append(List.of(new CaptureEvent.SessionOpened(Fixtures.session(7))));
            List<CaptureEvent> batch = new ArrayList<>();
            for (int seq = 1; seq <= count; seq++) {
                int size = seq % 1000 == 0 ? 3 << 20 : 1 + seq % 97; // a few 3 MiB payloads go to LOB storage
                byte[] payload = new byte[size];
                payload[0] = (byte) seq;
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(7, seq, seq, seq % 2 == 0
                        ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER, FrameType.BINARY, payload, 1, null)));
                if (batch.size() == 333) {
                    store.append(batch);
                    batch.clear();
                }
            }
            store.append(batch);
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
    void aReaderSeesWhatARunningRecorderHasWritten() throws Exception {
        try (H2RecordingStore writer = H2RecordingStore.open(dir)) {
            writer.append(Fixtures.chatSession(writer.nextSessionId()));
            assertThat(dir.resolve(LocalServer.ANNOUNCEMENT)).exists();
            try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
                assertThat(reader.sessions(10)).hasSize(1);
                writer.append(Fixtures.chatSession(writer.nextSessionId()));
                assertThat(reader.sessions(10)).extracting(SessionRecord::id).containsExactly(2L, 1L);
            }
            assertThatThrownBy(() -> H2RecordingStore.open(dir))
                    .isInstanceOf(RecordingException.class).hasMessageContaining("in use by another running Sockscope");
        }
        assertThat(dir.resolve(LocalServer.ANNOUNCEMENT)).doesNotExist();
    }

    @Test
    void aStaleAnnouncementFromAKilledProcessIsIgnored() throws Exception {
        Files.writeString(dir.resolve(LocalServer.ANNOUNCEMENT), "jdbc:h2:tcp://127.0.0.1:1/\n999999999\n");
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.chatSession(store.nextSessionId()));
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.sessions(10)).hasSize(1);
        }
    }

    @Test
    void aBatchWithOneBadEventStillWritesTheOthersAndSaysWhatWasLost() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.chatSession(1));
            // The same session opened twice: that one event cannot be written, the new frames can.
            List<CaptureEvent> batch = new ArrayList<>(Fixtures.chatSession(1).subList(0, 1));
            batch.add(new CaptureEvent.FrameCaptured(Fixtures.text(1, 10, Direction.CLIENT_TO_SERVER, "late frame")));
            assertThatThrownBy(() -> store.append(batch))
                    .isInstanceOf(RecordingException.class).hasMessageStartingWith("1 of 2 events could not be written");
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
