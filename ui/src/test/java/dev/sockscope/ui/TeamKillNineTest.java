package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.Stores;
import dev.sockscope.wire.ClosedBy;

/**
 * docs/teams.md, "Many proxies at once": two real proxy processes record into one PostgreSQL; one is killed with
 * SIGKILL mid-session, and the other's lease sweep ends the dead one's open session within the stated bound (a 10 s
 * lease renewed every 2 s), while the live proxy's session stays open.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class TeamKillNineTest {
    private static final Pattern RELAYING = Pattern.compile("relaying ws://(\\S+) -> ");
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
    /** The lease (10 s) and a heartbeat (2 s), with room for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(12 + 10);
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    private static Optional<SessionRecord> byPath(RecordingStore store, String path) throws RecordingException {
        return store.sessions(100).stream().filter(s -> s.info().handshake().path().equals(path)).findFirst();
    }

    @Test
    void aKilledProxysOpenSessionIsEndedByTheOtherProxysLease() throws Exception {
        var location = PG.newDatabase();
        String db = location.toString();
        try (TestUpstream upstream = TestUpstream.start();
             ChildProcess a = ChildProcess.start(ProxyProcess.command(JVM, List.of("proxy", "--route", "127.0.0.1:0=" + upstream.uri(),
                     "--db", db, "--no-ui")));
             ChildProcess b = ChildProcess.start(ProxyProcess.command(JVM, List.of("proxy", "--route", "127.0.0.1:0=" + upstream.uri(),
                     "--db", db, "--no-ui")));
             RecordingStore reader = Stores.openReader(location)) {
            String listenA = a.awaitLine(RELAYING, ChildProcess.READY).group(1);
            String listenB = b.awaitLine(RELAYING, ChildProcess.READY).group(1);
            TestClient viaA = TestClient.connect(URI.create("ws://" + listenA + "/via-a"));
            TestClient viaB = TestClient.connect(URI.create("ws://" + listenB + "/via-b"));
            viaA.sendText("hello a");
            assertThat(viaA.events.nextText()).isEqualTo("hello a");
            viaB.sendText("hello b");
            assertThat(viaB.events.nextText()).isEqualTo("hello b");
            await().atMost(Duration.ofSeconds(20)).until(() -> byPath(reader, "/via-a").map(SessionRecord::frames).orElse(0L) >= 2
                    && byPath(reader, "/via-b").map(SessionRecord::frames).orElse(0L) >= 2);
            long idA = byPath(reader, "/via-a").orElseThrow().id();
            long idB = byPath(reader, "/via-b").orElseThrow().id();
            assertThat(idA).isNotEqualTo(idB);

            a.close(); // SIGKILL: no shutdown hook, the session is never ended by its proxy
            long killed = System.nanoTime();
            await().atMost(BOUND.plusSeconds(10)).until(() -> !reader.session(idA).orElseThrow().isOpen());
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            System.out.println("TeamKillNineTest: the lease ended the killed proxy's session " + took.toMillis() + " ms after the kill");
            assertThat(took).as("ended by the lease within the stated bound").isLessThan(BOUND);
            SessionRecord ended = reader.session(idA).orElseThrow();
            assertThat(ended.end().closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(ended.end().error()).contains("lease");
            assertThat(ended.frames()).isGreaterThanOrEqualTo(2);
            assertThat(reader.session(idB).orElseThrow().isOpen()).as("the live proxy's session").isTrue();
        }
    }
}
