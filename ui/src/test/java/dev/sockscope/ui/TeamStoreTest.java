package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;

/** The command line on a team store: two proxies (demos) record into one PostgreSQL at once; the commands read it. */
class TeamStoreTest {
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    @Test
    void twoProxiesRecordIntoOneDatabaseAndTheCommandsReadIt() throws Exception {
        StoreLocation.Postgres store = PG.newDatabase();
        String db = store.toString();
        assertThat(db).startsWith("postgresql://").doesNotContain("jdbc:");
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<String> outputs = new ArrayList<>();
        try {
            List<Future<String>> demos = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                demos.add(two.submit(() -> Cli.run("demo", "--exit", "--no-ui", "--db", db, "--listen", "127.0.0.1:0")));
            }
            for (Future<String> demo : demos) {
                outputs.add(demo.get(180, TimeUnit.SECONDS));
            }
        } finally {
            two.shutdownNow();
        }
        assertThat(outputs).allMatch(o -> o.contains("recording to " + db));

        List<SessionRecord> sessions;
        try (RecordingStore reader = Stores.openReader(store)) {
            sessions = reader.sessions(1000);
        }
        assertThat(sessions).hasSizeGreaterThanOrEqualTo(10); // five simulators, each demo at least one session
        assertThat(sessions).extracting(SessionRecord::id).doesNotHaveDuplicates();
        assertThat(sessions).allMatch(s -> !s.isOpen() && s.frames() > 0);

        String listed = Cli.run("sessions", "--db", db);
        for (SessionRecord s : sessions) {
            assertThat(listed).contains(s.info().upstream());
        }
        long first = sessions.get(sessions.size() - 1).id();
        String frames = Cli.run("frames", String.valueOf(first), "--db", db);
        assertThat(frames.lines().count()).isGreaterThan(1);

        assertThat(Cli.run("retention", "--db", db)).contains("keeps every session");
        assertThat(Cli.run("retention", "--db", db, "--keep-days", "30")).contains("deleted 0 sessions")
                .contains("keeps ended sessions 30 days");
        assertThat(Cli.run("retention", "--db", db)).contains("keeps ended sessions 30 days");
        assertThat(Cli.run("sessions", "--db", db)).as("recent sessions stay").contains(sessions.get(0).info().upstream());
    }
}
