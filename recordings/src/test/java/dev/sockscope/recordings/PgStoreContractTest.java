package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real PostgreSQL (see {@link PostgresServer} for which one), a new database per test. */
class PgStoreContractTest extends RecordingStoreContract {
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();
    private StoreLocation.Postgres location;

    @Override
    RecordingStore newWriter() throws Exception {
        location = PG.newDatabase();
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
