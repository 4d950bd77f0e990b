package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/** A folder copied into a team store and back loses nothing: sessions, frames, decodings, replay links, masked secrets. */
class StoreCopyTest {
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();
    @TempDir
    Path dir;

    /** A session as stored, without its id: what a copy must keep (its star too). */
    private record Kept(SessionRecord session, List<StoredFrame> frames) {
        static Kept of(RecordingReader store, SessionRecord s) throws RecordingException {
            var i = s.info();
            SessionRecord withoutIds = new SessionRecord(new dev.sockscope.wire.SessionInfo(0, i.listen(), i.upstream(),
                    i.clientAddress(), i.handshake(), i.startedAtMicros(), i.protocol()), s.end(), s.frames(), s.protocol(),
                    s.protocolReason(), s.handshakeDecoded(), s.unanswered(), s.traffic(), s.replayOf() == null ? null : 0L, null, s.starred());
            List<StoredFrame> frames = new ArrayList<>();
            for (StoredFrame f : store.storedFrames(s.id(), 0, Integer.MAX_VALUE)) {
                RecordedFrame r = f.frame();
                frames.add(new StoredFrame(new RecordedFrame(0, r.seq(), r.timeMicros(), r.from(), r.type(), r.payload(),
                        r.fragments(), r.note(), r.wire(), r.provenance()), f.decoding()));
            }
            return new Kept(withoutIds, frames);
        }
    }

    private static List<Kept> everything(RecordingReader store) throws RecordingException {
        List<Kept> out = new ArrayList<>();
        List<SessionRecord> sessions = new ArrayList<>(store.sessions(1000));
        java.util.Collections.reverse(sessions);
        for (SessionRecord s : sessions) {
            out.add(Kept.of(store, s));
        }
        return out;
    }

    @Test
    void aFolderCopiedIntoATeamStoreAndBackLosesNothing() throws Exception {
        Path source = dir.resolve("source");
        Path back = dir.resolve("back");
        StoreLocation.Postgres team = PG.newDatabase();
        long original;
        try (RecordingStore folder = Stores.openWriter(new StoreLocation.Folder(source))) {
            original = folder.nextSessionId();
            folder.append(Fixtures.decoded(folder, Fixtures.chatSession(original), false)); // secrets masked
            long replay = folder.nextSessionId();
            folder.append(Fixtures.decoded(folder, Fixtures.chatSession(replay), false));
            folder.linkReplay(replay, original);
            folder.star(original, true);
            long large = folder.nextSessionId();
            List<CaptureEvent> events = new ArrayList<>();
            events.add(new CaptureEvent.SessionOpened(Fixtures.session(large)));
            for (int seq = 1; seq <= 2_500; seq++) {
                byte[] payload = new byte[seq == 1234 ? 300 << 10 : 10 + seq % 50];
                payload[0] = (byte) seq;
                events.add(new CaptureEvent.FrameCaptured(new RecordedFrame(large, seq, Fixtures.T0 + seq, Direction.SERVER_TO_CLIENT,
                        FrameType.BINARY, payload, 1, null)));
            }
            events.add(new CaptureEvent.SessionClosed(large, new SessionEnd(Fixtures.T0 + 3_000, 1000, "done", ClosedBy.CLIENT, null)));
            folder.append(Fixtures.decoded(folder, events));
            long open = folder.nextSessionId();
            folder.append(Fixtures.decoded(folder, List.of(new CaptureEvent.SessionOpened(Fixtures.session(open)))));
        }
        List<Kept> before;
        try (RecordingStore folder = Stores.openReader(new StoreLocation.Folder(source))) {
            before = everything(folder).stream().filter(k -> k.session().end() != null).toList();
        }
        assertThat(before).hasSize(3);
        assertThat(before).extracting(k -> k.session().starred()).containsExactly(true, false, false);
        assertThat(before.get(0).frames().get(0).frame().text()).doesNotContain("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln");

        try (RecordingStore from = Stores.openReader(new StoreLocation.Folder(source)); RecordingStore to = Stores.openWriter(team)) {
            StoreCopy.Outcome out = StoreCopy.copy(from, to, c -> { });
            assertThat(out.copied()).hasSize(3);
            assertThat(out.skippedOpen()).hasSize(1);
        }
        try (RecordingStore from = Stores.openReader(team); RecordingStore to = Stores.openWriter(new StoreLocation.Folder(back))) {
            assertThat(everything(from)).usingRecursiveComparison().withEqualsForType(Arrays::equals, byte[].class).isEqualTo(before);
            StoreCopy.copy(from, to, c -> { });
        }
        try (RecordingStore folder = Stores.openReader(new StoreLocation.Folder(back))) {
            List<Kept> after = everything(folder);
            assertThat(after).usingRecursiveComparison().withEqualsForType(Arrays::equals, byte[].class).isEqualTo(before);
            SessionRecord replay = folder.sessions(10).get(1);
            assertThat(replay.replayOf()).isEqualTo(folder.sessions(10).get(2).id());
        }
    }
}
