package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL (see {@link PostgresServer} for which one), a new database per test. */
class PgStoreContractTest extends RecordingStoreContract {
    private static PostgresServer server;
    private StoreLocation.Postgres location;

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

    @Override
    RecordingStore newWriter() throws Exception {
        location = server.newDatabase();
        return PgRecordingStore.openWriter(location, "test-host", "contract");
    }

    @Override
    RecordingStore reader() throws Exception {
        return PgRecordingStore.openReader(location);
    }

    @Test
    void sessionsSayWhichProxyRecordedThemAndAreFilteredByIt() throws Exception {
        try (RecordingStore writer = newWriter(); RecordingStore other = PgRecordingStore.openWriter(location, "ci-7", "runner")) {
            long mine = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(mine)));
            long theirs = other.nextSessionId();
            other.append(Fixtures.decoded(other, Fixtures.chatSession(theirs)));
            try (RecordingStore reader = reader()) {
                assertThat(reader.session(mine).orElseThrow().recordedBy())
                        .isEqualTo(new SessionRecord.RecordedBy("test-host", "contract"));
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, null, false, "RUNNER")).sessions())
                        .extracting(SessionRecord::id).containsExactly(theirs);
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, null, false, "test-h")).sessions())
                        .extracting(SessionRecord::id).containsExactly(mine);
                assertThat(reader.sessions(new SessionQuery(10, null, null, null, null, false, "nobody")).sessions()).isEmpty();
            }
        }
    }
}
