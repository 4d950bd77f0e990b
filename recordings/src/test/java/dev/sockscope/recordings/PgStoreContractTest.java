package dev.sockscope.recordings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
