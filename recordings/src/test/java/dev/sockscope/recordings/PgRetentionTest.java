package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * A team store's retention policy on a real PostgreSQL: by days, old ended sessions go; by size, the oldest ended
 * sessions go until the recorded bytes are under it; recent, open, starred and replayed ones stay either way.
 */
class PgRetentionTest {
    private static final int PAYLOAD = 20 * 1024;
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    /** A session that ended {@code endedDaysAgo} days ago (open: {@code end} false), with {@code payload} random bytes. */
    private static long record(RecordingStore store, long endedDaysAgo, boolean end, int payload) throws RecordingException {
        long id = store.nextSessionId();
        long now = System.currentTimeMillis() * 1000;
        long endedAt = now - endedDaysAgo * 86_400_000_000L;
        var info = Fixtures.session(id);
        info = new dev.sockscope.wire.SessionInfo(id, info.listen(), info.upstream(), info.clientAddress(), info.handshake(),
                endedAt - 1000);
        List<CaptureEvent> events = new ArrayList<>(List.of(new CaptureEvent.SessionOpened(info)));
        if (payload > 0) {
            byte[] bytes = new byte[payload];
            new Random(id).nextBytes(bytes); // does not compress: its size is what the store keeps
            events.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, 1, endedAt - 500, Direction.SERVER_TO_CLIENT,
                    FrameType.BINARY, bytes, 1, null)));
        }
        if (end) {
            events.add(new CaptureEvent.SessionClosed(id, new SessionEnd(endedAt, 1000, "done", ClosedBy.CLIENT, null)));
        }
        store.append(Fixtures.decoded(store, events));
        return id;
    }

    private static long record(RecordingStore store, long endedDaysAgo, boolean end) throws RecordingException {
        return record(store, endedDaysAgo, end, 0);
    }

    @Test
    void endedSessionsOlderThanThePolicyAreDeletedExceptStarredOnesAndThoseAReplayRefersTo() throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        try (PgRecordingStore store = PgRecordingStore.openWriter(location, "h", "n")) {
            long old = record(store, 40, true);
            long replayedOld = record(store, 40, true);
            long replay = record(store, 1, true);
            store.linkReplay(replay, replayedOld);
            long recent = record(store, 5, true);
            long starredOld = record(store, 40, true);
            store.star(starredOld, true);
            long open = record(store, 40, false);

            assertThat(store.retentionPolicy()).isEqualTo(RetentionPolicy.KEEP_ALL);
            assertThat(store.applyRetention()).as("no policy: everything kept").isEqualTo(RetentionOutcome.NOTHING);
            store.setRetentionPolicy(new RetentionPolicy(30, null));
            try (PgRecordingStore reader = PgRecordingStore.openReader(location)) {
                assertThat(reader.retentionPolicy()).isEqualTo(new RetentionPolicy(30, null));
            }
            assertThat(store.applyRetention()).isEqualTo(new RetentionOutcome(1, 0, 0, 1, 1, null));
            assertThat(store.session(old)).isEmpty();
            assertThat(store.sessions(100)).extracting(SessionRecord::id).containsExactlyInAnyOrder(replayedOld, replay, recent, open,
                    starredOld);
            store.setRetentionPolicy(RetentionPolicy.KEEP_ALL);
            assertThat(store.retentionPolicy()).isEqualTo(RetentionPolicy.KEEP_ALL);
        }
    }

    @Test
    void overItsSizeTheStoreDeletesTheOldestEndedSessionsUntilItIsUnderExceptStarredAndReplayedOnes() throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        try (PgRecordingStore store = PgRecordingStore.openWriter(location, "h", "n")) {
            long starred = record(store, 50, true, PAYLOAD);
            store.star(starred, true);
            long replayed = record(store, 40, true, PAYLOAD);
            long third = record(store, 30, true, PAYLOAD);
            long fourth = record(store, 20, true, PAYLOAD);
            long fifth = record(store, 10, true, PAYLOAD);
            long replay = record(store, 1, true);
            store.linkReplay(replay, replayed);
            long open = record(store, 60, false, PAYLOAD);
            long total = store.recordedBytes();
            assertThat(total).as("six sessions of %d random bytes", PAYLOAD).isBetween(6L * PAYLOAD, 7L * PAYLOAD);

            // Under it only once two ~20 KiB sessions are gone: the two oldest that may go (30 and 20 days).
            long keep = total - PAYLOAD - PAYLOAD / 2;
            store.setRetentionPolicy(new RetentionPolicy(null, keep));
            RetentionOutcome done = store.applyRetention();
            assertThat(done.deletedBySize()).isEqualTo(2);
            assertThat(done.deletedByAge()).isZero();
            assertThat(done.deletedBytes()).isBetween(2L * PAYLOAD, 2L * PAYLOAD + 2048);
            assertThat(done.keptStarred()).as("the 50-day-old starred session was reached and kept").isEqualTo(1);
            assertThat(done.keptReplayed()).isEqualTo(1);
            assertThat(done.storeBytes()).isEqualTo(store.recordedBytes()).isLessThanOrEqualTo(keep);
            assertThat(store.sessions(100)).extracting(SessionRecord::id)
                    .containsExactlyInAnyOrder(starred, replayed, fifth, replay, open).doesNotContain(third, fourth);
            assertThat(store.applyRetention().deleted()).as("under the size now: nothing more goes").isZero();

            // A size it cannot reach: every ended session that may go goes (the replay, then the session it replayed,
            // which nothing refers to any more); the starred and the open one stay.
            store.setRetentionPolicy(new RetentionPolicy(1, 1L));
            RetentionOutcome all = store.applyRetention();
            assertThat(store.sessions(100)).extracting(SessionRecord::id).containsExactlyInAnyOrder(starred, open);
            assertThat(all.deleted()).isEqualTo(3);
            assertThat(all.keptStarred()).isEqualTo(1);
            assertThat(all.storeBytes()).as("still over: what is left is kept").isGreaterThan(1L);
        }
    }

    /**
     * Two appliers at once (two proxies on one store, or a proxy's round beside {@code sockscope retention}) delete what
     * one would: each used to measure the store before the other deleted, and between them they went past the size.
     */
    @Test
    void twoAppliersAtOnceDeleteNoMoreThanOneWould() throws Exception {
        for (int round = 0; round < 5; round++) {
            StoreLocation.Postgres location = PG.newDatabase();
            // Writers without rounds of their own, so that only these two apply the policy.
            try (PgRecordingStore one = PgRecordingStore.openMaintainer(location, "h", "one");
                 PgRecordingStore other = PgRecordingStore.openMaintainer(location, "h", "other")) {
                long oldest = record(one, 40, true, PAYLOAD);
                record(one, 30, true, PAYLOAD);
                long newer = record(one, 20, true, PAYLOAD);
                long newest = record(one, 10, true, PAYLOAD);
                long total = one.recordedBytes();
                // Under it once the two oldest are gone.
                one.setRetentionPolicy(new RetentionPolicy(null, total - PAYLOAD - PAYLOAD / 2));
                var start = new java.util.concurrent.CountDownLatch(1);
                var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    var a = pool.submit(() -> { start.await(); return one.applyRetention(); });
                    var b = pool.submit(() -> { start.await(); return other.applyRetention(); });
                    start.countDown();
                    int deleted = a.get(60, java.util.concurrent.TimeUnit.SECONDS).deleted()
                            + b.get(60, java.util.concurrent.TimeUnit.SECONDS).deleted();
                    assertThat(deleted).as("round %d: deleted by both", round).isEqualTo(2);
                } finally {
                    pool.shutdownNow();
                }
                assertThat(one.sessions(100)).extracting(SessionRecord::id).as("round %d", round)
                        .containsExactlyInAnyOrder(newer, newest).doesNotContain(oldest);
            }
        }
    }

    /** An applier waits while another holds the store's applier lock, then measures what is left. */
    @Test
    void anApplierWaitsForTheOneAtWork() throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        try (PgRecordingStore store = PgRecordingStore.openMaintainer(location, "h", "n");
             java.sql.Connection other = java.sql.DriverManager.getConnection(location.jdbcUrl(), location.user(),
                     location.password())) {
            record(store, 30, true, PAYLOAD);
            record(store, 20, true, PAYLOAD);
            long newest = record(store, 10, true, PAYLOAD);
            store.setRetentionPolicy(new RetentionPolicy(null, store.recordedBytes() - PAYLOAD - PAYLOAD / 2));
            try (var ps = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, Retention.APPLIER_LOCK);
                ps.execute();
            }
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var applied = pool.submit(store::applyRetention);
                org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> !applied.isDone());
                assertThat(store.sessions(100)).as("nothing deleted while the other holds the lock").hasSize(3);

                try (var ps = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, Retention.APPLIER_LOCK);
                    ps.execute();
                }
                assertThat(applied.get(30, java.util.concurrent.TimeUnit.SECONDS).deletedBySize()).isEqualTo(2);
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.sessions(100)).extracting(SessionRecord::id).containsExactly(newest);
        }
    }

    @Test
    void sizesAreWrittenInBinaryUnits() {
        assertThat(RetentionPolicy.parseSize("5GiB")).isEqualTo(5L << 30);
        assertThat(RetentionPolicy.parseSize("500 mib")).isEqualTo(500L << 20);
        assertThat(RetentionPolicy.parseSize("64KiB")).isEqualTo(65_536);
        assertThat(RetentionPolicy.parseSize("1000")).isEqualTo(1000);
        assertThat(RetentionPolicy.formatSize(5L << 30)).isEqualTo("5 GiB");
        assertThat(RetentionPolicy.formatSize(1000)).isEqualTo("1000 B");
        assertThatThrownBy(() -> RetentionPolicy.parseSize("5GB")).hasMessageContaining("5GiB");
        assertThatThrownBy(() -> new RetentionPolicy(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RetentionPolicy(30, 5L << 30).describe()).isEqualTo("ended sessions 30 days, at most 5 GiB recorded"
                + " (the oldest ended sessions go first)");
    }
}
