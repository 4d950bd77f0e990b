package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;

/** Two proxies on one team store: a live one's sessions stay open; a dead one's are ended by the other's lease sweep. */
class PgRecorderLeaseTest {
    private static final Duration BEAT = Duration.ofMillis(200);
    private static final Duration LEASE = Duration.ofSeconds(1);
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    private static long openSession(RecordingStore store) throws RecordingException {
        long id = store.nextSessionId();
        store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(id)),
                new CaptureEvent.FrameCaptured(Fixtures.text(id, 1, dev.sockscope.wire.Direction.CLIENT_TO_SERVER, "hi")))));
        return id;
    }

    @Test
    void theOpenSessionsOfAProxyThatStopsRenewingItsLeaseAreEndedByAnother() throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        try (PgRecordingStore a = PgRecordingStore.openWriter(location, "host-a", "proxy-a", BEAT, LEASE);
             PgRecordingStore b = PgRecordingStore.openWriter(location, "host-b", "proxy-b", BEAT, LEASE);
             PgRecordingStore reader = PgRecordingStore.openReader(location)) {
            long ofA = openSession(a);
            long ofB = openSession(b);
            assertThat(ofA).isNotEqualTo(ofB);

            // Both renew: after several lease times, both sessions are still open.
            await().pollDelay(LEASE.multipliedBy(3)).atMost(Duration.ofSeconds(30))
                    .until(() -> reader.session(ofA).orElseThrow().isOpen() && reader.session(ofB).orElseThrow().isOpen());

            a.lease().abandon(); // as kill -9 would: no more heartbeats, no close
            long abandonedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> !reader.session(ofA).orElseThrow().isOpen());
            Duration took = Duration.ofNanos(System.nanoTime() - abandonedAt);
            assertThat(took).as("ended within the lease plus a heartbeat, with room for a loaded machine")
                    .isLessThan(LEASE.plus(BEAT).plus(Duration.ofSeconds(5)));

            SessionRecord ended = reader.session(ofA).orElseThrow();
            assertThat(ended.end().closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(ended.end().error()).contains("proxy-a").contains("host-a").contains("lease");
            assertThat(ended.end().endedAtMicros()).isEqualTo(Fixtures.T0 + 1000); // its last frame
            assertThat(reader.session(ofB).orElseThrow().isOpen()).as("the live proxy's session").isTrue();
        }
    }

    @Test
    void twoProxiesShareOneMaskingKeyAndHandOutDistinctIds() throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        try (PgRecordingStore a = PgRecordingStore.openWriter(location, "host-a", "proxy-a");
             PgRecordingStore b = PgRecordingStore.openWriter(location, "host-b", "proxy-b")) {
            String token = "6f1c2d3e-0000-4b5a-9c8d-1234567890ab";
            assertThat(a.masker().mask(token)).isEqualTo(b.masker().mask(token));
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (int i = 0; i < 40; i++) {
                assertThat(ids.add(a.nextSessionId())).isTrue();
                assertThat(ids.add(b.nextSessionId())).isTrue();
            }
        }
    }
}
