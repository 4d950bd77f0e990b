package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/** A team store's retention policy: old ended sessions go, recent, open, starred and replayed ones stay. */
class PgRetentionTest {
    private static PostgresServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static long record(RecordingStore store, long endedDaysAgo, boolean end) throws RecordingException {
        long id = store.nextSessionId();
        long now = System.currentTimeMillis() * 1000;
        long endedAt = now - endedDaysAgo * 86_400_000_000L;
        var info = Fixtures.session(id);
        info = new dev.sockscope.wire.SessionInfo(id, info.listen(), info.upstream(), info.clientAddress(), info.handshake(),
                endedAt - 1000);
        store.append(Fixtures.decoded(store, end
                ? List.of(new CaptureEvent.SessionOpened(info), new CaptureEvent.SessionClosed(id,
                        new SessionEnd(endedAt, 1000, "done", ClosedBy.CLIENT, null)))
                : List.of(new CaptureEvent.SessionOpened(info))));
        return id;
    }

    @Test
    void endedSessionsOlderThanThePolicyAreDeletedExceptStarredOnesAndThoseAReplayRefersTo() throws Exception {
        StoreLocation.Postgres location = server.newDatabase();
        try (PgRecordingStore store = PgRecordingStore.openWriter(location, "h", "n")) {
            long old = record(store, 40, true);
            long replayedOld = record(store, 40, true);
            long replay = record(store, 1, true);
            store.linkReplay(replay, replayedOld);
            long recent = record(store, 5, true);
            long starredOld = record(store, 40, true);
            store.star(starredOld, true);
            long open = record(store, 40, false);

            assertThat(store.retentionDays()).isEmpty();
            assertThat(store.applyRetention()).as("no policy: everything kept").isZero();
            store.setRetentionDays(30);
            try (PgRecordingStore reader = PgRecordingStore.openReader(location)) {
                assertThat(reader.retentionDays()).contains(30);
            }
            assertThat(store.applyRetention()).isEqualTo(1);
            assertThat(store.session(old)).isEmpty();
            assertThat(store.sessions(100)).extracting(SessionRecord::id).containsExactlyInAnyOrder(replayedOld, replay, recent, open,
                    starredOld);
            store.setRetentionDays(null);
            assertThat(store.retentionDays()).isEmpty();
        }
    }
}
