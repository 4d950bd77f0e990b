package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * What every store does, whatever keeps it: run for an H2 folder ({@link H2StoreContractTest}) and for a real
 * PostgreSQL ({@link PgStoreContractTest}). A writer records; a second store opened as a reader reads.
 */
abstract class RecordingStoreContract {
    /** Where the version-1 recording fixture is copied to be opened (and migrated) as a folder. */
    @TempDir
    Path oldFolder;

    /** A writer on a new, empty store. */
    abstract RecordingStore newWriter() throws Exception;

    /** A reader of the store the last {@link #newWriter} opened (while that writer is open). */
    abstract RecordingStore reader() throws Exception;

    private static List<CaptureEvent> session(long id, String path, String protocolHint, SessionEnd end, String... texts) {
        List<CaptureEvent> events = new ArrayList<>();
        var base = Fixtures.session(id);
        var h = base.handshake();
        events.add(new CaptureEvent.SessionOpened(new dev.sockscope.wire.SessionInfo(id, base.listen(), base.upstream(),
                base.clientAddress(), new dev.sockscope.wire.Handshake(path, protocolHint, h.requestHeaders(), h.status(),
                h.responseHeaders(), h.subprotocol(), h.extensions()), base.startedAtMicros())));
        for (int i = 0; i < texts.length; i++) {
            events.add(new CaptureEvent.FrameCaptured(Fixtures.text(id, i + 1,
                    i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, texts[i])));
        }
        if (end != null) {
            events.add(new CaptureEvent.SessionClosed(id, end));
        }
        return events;
    }

    private static SessionEnd clean(long at) {
        return new SessionEnd(Fixtures.T0 + at, 1000, "done", ClosedBy.CLIENT, null);
    }

    @Test
    void aSessionAndItsFramesReadBackAsWritten() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long id = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(id)));
            try (RecordingStore reader = reader()) {
                SessionRecord s = reader.session(id).orElseThrow();
                assertThat(s.info()).isEqualTo(Fixtures.session(id));
                assertThat(s.frames()).isEqualTo(4);
                assertThat(s.end()).isEqualTo(new SessionEnd(Fixtures.T0 + 5000, 1008, "bye", ClosedBy.SERVER, null));
                assertThat(s.traffic()).isNotNull();
                assertThat(s.traffic().clientFrames()).isEqualTo(2);
                List<RecordedFrame> frames = reader.frames(id, 0, 100);
                assertThat(frames).extracting(RecordedFrame::seq).containsExactly(1L, 2L, 3L, 4L);
                assertThat(frames.get(0).text()).contains("Event.GetConversationList");
                assertThat(frames.get(2).type()).isEqualTo(FrameType.PING);
                assertThat(frames.get(3).closeCode()).isEqualTo(1008);
                assertThat(reader.frame(id, 2).orElseThrow().frame().text()).contains("\"ok\":true");
                // the answer stays paired with its request, with the latency the decoder measured
                var answer = reader.frame(id, 2).orElseThrow().decoding();
                assertThat(answer.protocol()).isEqualTo("event-chat");
                assertThat(answer.correlatesWith()).isEqualTo(1L);
                assertThat(answer.latencyMicros()).isEqualTo(1000L); // frames 1 and 2 were captured 1 ms apart
                assertThat(reader.frame(id, 1).orElseThrow().decoding().kind()).isEqualTo(dev.sockscope.decode.Kind.REQUEST);
                assertThat(reader.frame(id, 9)).isEmpty();
                assertThat(reader.session(id + 1000)).isEmpty();
                assertThat(reader.stats(id, 10)).isNotNull();
            }
        }
    }

    @Test
    void aProtocolDecodedFromTheHandshakeIsStoredWithItsSessionUntilTheDataFramesChooseAnother() throws Exception {
        var handshake = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("target", "/ws");
        try (RecordingStore writer = newWriter()) {
            long decoded = writer.nextSessionId();
            long plain = writer.nextSessionId();
            long chosenAtOnce = writer.nextSessionId();
            long undecidedHandshake = writer.nextSessionId();
            // The writer's usual batch: a session opened and its handshake's decoding, side by side (one row written),
            // and one whose data frames chose its protocol in the same batch (the last choice is what the row keeps).
            writer.append(List.of(
                    new DecodedEvent.SessionStarted(Fixtures.session(decoded),
                            new ProtocolChoice("graphql-transport-ws", "its subprotocol", handshake)),
                    new DecodedEvent.SessionStarted(Fixtures.session(chosenAtOnce),
                            new ProtocolChoice("generic", "no decoder recognised the handshake", handshake)),
                    new DecodedEvent.SessionStarted(Fixtures.session(plain), null),
                    new DecodedEvent.SessionStarted(Fixtures.session(undecidedHandshake), null),
                    new DecodedEvent.ProtocolChosen(chosenAtOnce, new ProtocolChoice("event-chat", "its first frame", null)),
                    new DecodedEvent.ProtocolChosen(undecidedHandshake, new ProtocolChoice("generic", "no decoder recognised"
                            + " the data frames", handshake))));
            try (RecordingStore reader = reader()) {
                SessionRecord s = reader.session(decoded).orElseThrow();
                assertThat(s.info()).isEqualTo(Fixtures.session(decoded));
                assertThat(s.protocol()).isEqualTo("graphql-transport-ws");
                assertThat(s.protocolReason()).isEqualTo("its subprotocol");
                assertThat(s.handshakeDecoded()).contains("\"target\":\"/ws\"");
                assertThat(reader.session(plain).orElseThrow().protocol()).isNull();
                SessionRecord atOnce = reader.session(chosenAtOnce).orElseThrow();
                assertThat(atOnce.protocol()).isEqualTo("event-chat");
                assertThat(atOnce.protocolReason()).isEqualTo("its first frame");
                assertThat(atOnce.handshakeDecoded()).isNull();
                SessionRecord undecided = reader.session(undecidedHandshake).orElseThrow();
                assertThat(undecided.info()).isEqualTo(Fixtures.session(undecidedHandshake));
                assertThat(undecided.protocol()).isEqualTo("generic");
                assertThat(undecided.handshakeDecoded()).contains("\"target\":\"/ws\"");
            }
            writer.append(List.of(new DecodedEvent.ProtocolChosen(decoded,
                    new ProtocolChoice("generic", "no decoder recognised the data frames", null))));
            try (RecordingStore reader = reader()) {
                SessionRecord s = reader.session(decoded).orElseThrow();
                assertThat(s.protocol()).isEqualTo("generic");
                assertThat(s.protocolReason()).isEqualTo("no decoder recognised the data frames");
            }
            // A session decided in the batch that ends it: two choices with a frame between them, then the end. The last
            // choice is the row's, written in the UPDATE that ends it; the frame is recorded as ever.
            DecodedEvent frame = Fixtures.decoded(writer, List.of(new CaptureEvent.SessionOpened(Fixtures.session(plain)),
                    new CaptureEvent.FrameCaptured(Fixtures.text(plain, 1, Direction.CLIENT_TO_SERVER, "hi")))).stream()
                    .filter(e -> e instanceof DecodedEvent.FrameDecoded).findFirst().orElseThrow();
            writer.append(List.of(
                    new DecodedEvent.ProtocolChosen(plain, new ProtocolChoice("event-chat", "its first frame", null)),
                    frame,
                    new DecodedEvent.ProtocolChosen(plain, new ProtocolChoice("generic", "no data frames", handshake)),
                    new DecodedEvent.SessionEnded(plain, clean(9000), List.of(7L))));
            try (RecordingStore reader = reader()) {
                SessionRecord s = reader.session(plain).orElseThrow();
                assertThat(s.protocol()).isEqualTo("generic");
                assertThat(s.protocolReason()).isEqualTo("no data frames");
                assertThat(s.handshakeDecoded()).contains("\"target\":\"/ws\"");
                assertThat(s.end()).isEqualTo(clean(9000));
                assertThat(s.unanswered()).containsExactly(7L);
                assertThat(reader.frames(plain, 0, 10)).extracting(RecordedFrame::text).containsExactly("hi");
                assertThat(reader.session(decoded).orElseThrow().end()).isNull();
            }
        }
    }

    @Test
    void framesPageForwardAndBackAcrossBlocksWithLargePayloads() throws Exception {
        int count = 3_000;
        try (RecordingStore writer = newWriter()) {
            long id = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, List.of(new CaptureEvent.SessionOpened(Fixtures.session(id)))));
            List<CaptureEvent> batch = new ArrayList<>();
            for (int seq = 1; seq <= count; seq++) {
                byte[] payload = new byte[seq % 1000 == 0 ? 200 << 10 : 1 + seq % 97]; // a few go to large payloads
                payload[0] = (byte) seq;
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, Fixtures.T0 + seq, Direction.CLIENT_TO_SERVER,
                        FrameType.BINARY, payload, 1, null)));
                if (batch.size() == 500) {
                    writer.append(Fixtures.decoded(writer, batch));
                    batch.clear();
                }
            }
            try (RecordingStore reader = reader()) {
                assertThat(reader.session(id).orElseThrow().frames()).isEqualTo(count);
                FramePage first = reader.frames(id, FrameQuery.after(0, 1000));
                assertThat(first.frames()).hasSize(1000).extracting(StoredFrame::seq).startsWith(1L).endsWith(1000L);
                FramePage second = reader.frames(id, FrameQuery.after(first.next(), 1000));
                assertThat(second.frames()).extracting(StoredFrame::seq).startsWith(1001L).endsWith(2000L);
                FramePage back = reader.frames(id, new FrameQuery(FrameFilter.ALL, 0, 1001L, 10));
                assertThat(back.frames()).extracting(StoredFrame::seq).containsExactly(991L, 992L, 993L, 994L, 995L, 996L,
                        997L, 998L, 999L, 1000L);
                assertThat(reader.frames(id, 0, count)).hasSize(count).extracting(RecordedFrame::seq).isSorted().doesNotHaveDuplicates();
                RecordedFrame large = reader.frame(id, 2000).orElseThrow().frame();
                assertThat(large.payload()).hasSize(200 << 10);
                assertThat(large.payload()[0]).isEqualTo((byte) 2000);
            }
        }
    }

    @Test
    void sessionsPageNewestFirstAndEveryFilterNarrowsThem() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long a = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, session(a, "/chat", "room=blue", clean(10), "hello", "world")));
            long b = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, session(b, "/feed", "x=1",
                    new SessionEnd(Fixtures.T0 + 20, 1011, "server broke", ClosedBy.SERVER, null), "tick")));
            long c = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, session(c, "/chat", "room=red", null, "still open")));
            try (RecordingStore reader = reader()) {
                assertThat(reader.sessions(10)).extracting(SessionRecord::id).containsExactly(c, b, a);
                SessionPage page = reader.sessions(new SessionQuery(2, null, null, null, null, false));
                assertThat(page.sessions()).extracting(SessionRecord::id).containsExactly(c, b);
                assertThat(reader.sessions(new SessionQuery(2, page.next(), null, null, null, false)).sessions())
                        .extracting(SessionRecord::id).containsExactly(a);
                assertThat(reader.sessions(new SessionQuery(10, null, null, "ROOM=", null, false)).sessions())
                        .extracting(SessionRecord::id).containsExactly(c, a);
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, true, false)).sessions())
                        .extracting(SessionRecord::id).containsExactly(c);
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, false, false)).sessions())
                        .extracting(SessionRecord::id).containsExactly(b, a);
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, null, true)).sessions())
                        .extracting(SessionRecord::id).containsExactly(b);
                String protocol = reader.session(a).orElseThrow().protocol();
                if (protocol != null) {
                    assertThat(reader.sessions(new SessionQuery(10, null, protocol.substring(0, 2).toUpperCase(), null, null,
                            false)).sessions()).extracting(SessionRecord::id).contains(a);
                }
                assertThat(reader.sessions(new SessionQuery(10, null, "no-such-protocol", null, null, false)).sessions()).isEmpty();
            }
        }
    }

    @Test
    void textAndDirectionFiltersFindTheFramesThatMatch() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long id = writer.nextSessionId();
            String[] texts = new String[400];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = i == 321 ? "a rare Needle here" : "ordinary message " + i;
            }
            writer.append(Fixtures.decoded(writer, session(id, "/t", null, clean(500), texts)));
            try (RecordingStore reader = reader()) {
                FrameFilter needle = new FrameFilter(null, Set.of(), null, null, Set.of(), "needle", null, false, null, null);
                assertThat(reader.frames(id, new FrameQuery(needle, 0, null, 100)).frames()).extracting(StoredFrame::seq)
                        .containsExactly(322L);
                FrameFilter fromServer = new FrameFilter(Direction.SERVER_TO_CLIENT, Set.of(), null, null, Set.of(), null, null,
                        false, null, null);
                assertThat(reader.frames(id, new FrameQuery(fromServer, 0, null, 1000)).frames()).hasSize(200)
                        .allMatch(f -> f.frame().from() == Direction.SERVER_TO_CLIENT);
                FrameFilter regex = new FrameFilter(null, Set.of(), null, null, Set.of(), null,
                        com.google.re2j.Pattern.compile("message 3[0-9]{2}$"), false, null, null);
                assertThat(reader.frames(id, new FrameQuery(regex, 0, null, 1000)).frames()).hasSize(99);
            }
        }
    }

    @Test
    void anEndedSessionIsDeletedAnOpenOneIsNot() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long ended = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(ended)));
            long open = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, session(open, "/o", null, null, "x")));
            assertThat(writer.delete(open)).isInstanceOf(DeleteOutcome.Refused.class);
            assertThat(writer.delete(ended)).isEqualTo(new DeleteOutcome.Deleted(ended));
            assertThat(writer.delete(ended)).isEqualTo(new DeleteOutcome.NotFound(ended));
            try (RecordingStore reader = reader()) {
                assertThat(reader.session(ended)).isEmpty();
                assertThat(reader.frames(ended, 0, 10)).isEmpty();
                assertThat(reader.sessions(10)).extracting(SessionRecord::id).containsExactly(open);
            }
        }
    }

    @Test
    void aStarIsSetAndClearedAndTheStarredFilterFindsOnlyStarredSessions() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long starred = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(starred)));
            long plain = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, session(plain, "/p", null, null, "x")));
            assertThat(writer.session(starred).orElseThrow().starred()).isFalse();
            assertThat(writer.star(starred, true)).isEqualTo(new StarOutcome.Done(starred, true));
            assertThat(writer.star(starred, true)).as("starring twice is no error").isEqualTo(new StarOutcome.Done(starred, true));
            assertThat(writer.star(plain + 1000, true)).isEqualTo(new StarOutcome.NotFound(plain + 1000));
            SessionQuery starredOnly = new SessionQuery(10, null, null, null, null, false, null, true);
            try (RecordingStore reader = reader()) {
                assertThat(reader.session(starred).orElseThrow().starred()).isTrue();
                assertThat(reader.session(plain).orElseThrow().starred()).isFalse();
                assertThat(reader.sessions(starredOnly).sessions()).extracting(SessionRecord::id).containsExactly(starred);
                assertThat(reader.sessions(SessionQuery.newest(10)).sessions()).hasSize(2);
            }
            assertThat(writer.star(starred, false)).isEqualTo(new StarOutcome.Done(starred, false));
            try (RecordingStore reader = reader()) {
                assertThat(reader.session(starred).orElseThrow().starred()).isFalse();
                assertThat(reader.sessions(starredOnly).sessions()).isEmpty();
            }
        }
    }

    @Test
    void aReplayIsLinkedToTheSessionItReplayed() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long original = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(original)));
            long replay = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(replay)));
            writer.linkReplay(replay, original);
            try (RecordingStore reader = reader()) {
                assertThat(reader.replayOf(replay)).contains(original);
                assertThat(reader.replayOf(original)).isEmpty();
                assertThat(reader.replaysOf(original)).containsExactly(replay);
                assertThat(reader.session(replay).orElseThrow().replayOf()).isEqualTo(original);
            }
        }
    }

    @Test
    void aSecretMasksToTheSameTagForTheWriterAndAReader() throws Exception {
        try (RecordingStore writer = newWriter(); RecordingStore reader = reader()) {
            String secret = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9.c2lnbmF0dXJl";
            assertThat(reader.masker().mask(secret)).isEqualTo(writer.masker().mask(secret));
        }
    }

    @Test
    void threadsWritingAtOnceGetUniqueIdsAndLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 25;
        try (RecordingStore writer = newWriter()) {
            ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            long id = writer.nextSessionId();
                            ids.add(id);
                            writer.append(Fixtures.decoded(writer, session(id, "/c", null, clean(9), "m1", "m2", "m3")));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
            try (RecordingStore reader = reader()) {
                List<SessionRecord> all = reader.sessions(1000);
                assertThat(all).extracting(SessionRecord::id).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(all).allMatch(s -> s.frames() == 3);
            }
        }
    }

    @Test
    void aRecordingMadeByVersion1CopiedInReadsAsItDidInItsFolder() throws Exception {
        Files.copy(Path.of("src/test/resources/fixtures/v1/sockscope.mv.db"), oldFolder.resolve("sockscope.mv.db"));
        try (RecordingStore folder = Stores.openReader(new StoreLocation.Folder(oldFolder)); RecordingStore writer = newWriter()) {
            SessionRecord old = folder.sessions(10).get(0);
            List<StoredFrame> oldFrames = folder.storedFrames(old.id(), 0, 100);
            assertThat(oldFrames).hasSize(10);
            StoreCopy.Outcome out = StoreCopy.copy(folder, writer, c -> { });
            assertThat(out.copied()).hasSize(1);
            long id = out.copied().get(0).to();
            try (RecordingStore reader = reader()) {
                SessionRecord s = reader.session(id).orElseThrow();
                assertThat(s.info().handshake()).isEqualTo(old.info().handshake());
                assertThat(s.info().handshake().target()).isEqualTo("/demo?room=1");
                assertThat(s.end()).isEqualTo(old.end());
                assertThat(s.frames()).isEqualTo(10);
                assertThat(s.protocol()).isNull(); // version 1 recorded no decodings, and a copy decodes nothing
                List<StoredFrame> frames = reader.storedFrames(id, 0, 100);
                assertThat(frames).hasSize(10).allSatisfy(f -> assertThat(f.decoding()).isNull());
                for (int i = 0; i < frames.size(); i++) {
                    RecordedFrame a = frames.get(i).frame();
                    RecordedFrame b = oldFrames.get(i).frame();
                    assertThat(a.payload()).isEqualTo(b.payload());
                    assertThat(List.of(a.seq(), a.timeMicros(), a.from(), a.type()))
                            .isEqualTo(List.of(b.seq(), b.timeMicros(), b.from(), b.type()));
                }
                assertThat(frames.get(0).frame().text()).startsWith("{\"cmd\":0,\"seq\":1,\"opcode\":6");
                assertThat(frames.get(9).frame().type()).isEqualTo(FrameType.CLOSE);
            }
        }
    }
}
