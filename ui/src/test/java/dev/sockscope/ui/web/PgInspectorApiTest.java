package dev.sockscope.ui.web;

import org.junit.jupiter.api.AfterAll;

import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.Stores;

/** The inspector's JSON API on a team store: every test of {@link InspectorApiTest}, against a real PostgreSQL. */
class PgInspectorApiTest extends InspectorApiTest {
    private PostgresServer server;

    @Override
    RecordingStore openStore() throws Exception {
        server = PostgresServer.start();
        return Stores.openWriter(server.newDatabase());
    }

    @Override
    @AfterAll
    void stop() {
        try {
            super.stop();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
