package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/** Payloads of 64 KiB and more live in the session's payload file, and read back exactly as if they were in H2. */
class LargePayloadsTest {
    private static final int[] SIZES = {1, PayloadFiles.MIN_EXTERNAL - 1, PayloadFiles.MIN_EXTERNAL, PayloadFiles.MIN_EXTERNAL + 1,
            1 << 20, 3 << 20 | 7, 200};

    @TempDir
    Path dir;

    private final List<RecordedFrame> sent = new ArrayList<>();

    private void record(H2RecordingStore store, long session, boolean end) throws Exception {
        Random random = new Random(session);
        List<CaptureEvent> events = new ArrayList<>();
        events.add(new CaptureEvent.SessionOpened(Fixtures.session(session)));
        int seq = 0;
        for (int size : SIZES) {
            for (FrameType type : List.of(FrameType.BINARY, FrameType.TEXT)) {
                byte[] payload = new byte[size];
                if (type == FrameType.BINARY) {
                    random.nextBytes(payload);
                } else {
                    for (int i = 0; i < size; i++) {
                        payload[i] = (byte) ('a' + random.nextInt(26));
                    }
                    byte[] marker = ("marker-" + size + "-end").getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(marker, 0, payload, Math.max(0, size - marker.length), Math.min(size, marker.length));
                }
                seq++;
                RecordedFrame f = new RecordedFrame(session, seq, Fixtures.T0 + seq, seq % 2 == 0 ? Direction.SERVER_TO_CLIENT
                        : Direction.CLIENT_TO_SERVER, type, payload, 1, null);
                sent.add(f);
                events.add(new CaptureEvent.FrameCaptured(f));
            }
        }
        if (end) {
            events.add(new CaptureEvent.SessionClosed(session, new SessionEnd(Fixtures.T0 + 100, 1000, "", ClosedBy.CLIENT, null)));
        }
        store.append(Fixtures.decoded(store, events));
    }

    @Test
    void largePayloadsAreKeptOutsideH2AndReadBackExactly() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store, 1, true);
            assertSame(store.frames(1, 0, 100), sent);
        }
        Path file = dir.resolve("payloads").resolve("1.bin");
        long external = Arrays.stream(SIZES).filter(s -> s >= PayloadFiles.MIN_EXTERNAL).asLongStream().sum() * 2;
        assertThat(Files.size(file)).as("the external payloads, each once").isEqualTo(external);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.size(dir.resolve("sockscope.mv.db"))).as("H2 holds the small ones only").isLessThan(external / 4);
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertSame(reader.frames(1, 0, 100), sent); // through the local server, as another process reads
        }
    }

    /** Field by field, payloads with Arrays.equals (AssertJ's recursive comparison walks a MiB array byte by byte). */
    private static void assertSame(List<RecordedFrame> got, List<RecordedFrame> expected) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Arrays.equals(got.get(i).payload(), expected.get(i).payload())).as("payload of frame %d", i + 1).isTrue();
            assertThat(got.get(i)).usingRecursiveComparison().ignoringFields("payload").isEqualTo(expected.get(i));
        }
    }

    @Test
    void aTextSearchFindsTextInsideLargePayloads() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store, 1, true);
            for (int size : new int[] {PayloadFiles.MIN_EXTERNAL, 1 << 20, 3 << 20 | 7, 200}) {
                FrameFilter filter = new FrameFilter(null, Set.of(), null, null, Set.of(), "MARKER-" + size + "-END", null, false, null, null);
                assertThat(store.frames(1, new FrameQuery(filter, 0, null, 100)).frames())
                        .as("search for the marker of the %d-byte text", size)
                        .extracting(f -> f.frame().size()).containsExactly(size);
            }
        }
    }

    @Test
    void aBatchThatCannotBeIndexedLeavesOneCopyOfItsPayloadsNotOnePerAttempt() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store, 1, false);
            Path file = dir.resolve("payloads/1.bin");
            long size = Files.size(file);
            // A large frame numbered 1 again: its block's key is taken, so every attempt (five, then alone) fails.
            List<CaptureEvent> again = List.of(new CaptureEvent.FrameCaptured(new RecordedFrame(1, 1, Fixtures.T0,
                    Direction.CLIENT_TO_SERVER, FrameType.BINARY, new byte[PayloadFiles.MIN_EXTERNAL * 2], 1, null)));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.append(Fixtures.decoded(store, again)))
                    .isInstanceOf(RecordingException.class);
            assertThat(Files.size(file)).as("the file after the failed attempts: one copy, which the block's record in"
                    + " the recording file points at").isEqualTo(size + PayloadFiles.MIN_EXTERNAL * 2);
            record(store, 2, true);
            assertSame(store.frames(1, 0, 100), sent.subList(0, sent.size() / 2));
        }
    }

    @Test
    void deletingASessionRemovesItsPayloadFile() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store, 1, true);
            record(store, 2, true);
            assertThat(dir.resolve("payloads/1.bin")).exists();
            assertThat(store.delete(1)).isEqualTo(new DeleteOutcome.Deleted(1));
            assertThat(dir.resolve("payloads/1.bin")).doesNotExist();
            assertThat(dir.resolve("payloads/2.bin")).exists();
            assertThat(store.frames(2, 0, 100)).hasSize(sent.size() / 2);
        }
    }

    @Test
    void aPayloadFileThatIsGoneLeavesEmptyPayloadsWithANoteAndTheRestReadable() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            record(store, 1, false);
            Files.delete(dir.resolve("payloads/1.bin"));
            List<RecordedFrame> frames = store.frames(1, 0, 100);
            assertThat(frames).hasSize(sent.size());
            for (int i = 0; i < frames.size(); i++) {
                RecordedFrame got = frames.get(i);
                if (sent.get(i).size() >= PayloadFiles.MIN_EXTERNAL) {
                    assertThat(got.payload()).isEmpty();
                    assertThat(got.note()).isEqualTo("payload of " + sent.get(i).size() + " bytes not readable: payloads/1.bin is missing");
                } else {
                    assertThat(got.payload()).isEqualTo(sent.get(i).payload());
                    assertThat(got.note()).isNull();
                }
            }
            record(store, 3, true); // the writer still writes: a new session's file is made
            assertThat(store.frames(3, 0, 100)).hasSize(sent.size() / 2);
        }
    }
}
