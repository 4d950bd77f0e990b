package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;

/**
 * {@code sockscope ui}'s live source reads the store: when reading fails, the live view must not go quiet without a
 * word. The failure is in {@code /api/status} (and so in the pages' header) until reading works again.
 */
class StorePollingSourceTest {
    @TempDir
    Path db;

    @Test
    void aFailingReadStopsLiveUpdatesVisiblyInTheStatus() throws Exception {
        H2RecordingStore store = H2RecordingStore.open(db);
        try (StorePollingSource source = new StorePollingSource(store, 20);
             InspectorApp app = new InspectorApp(store, source, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            Http http = new Http(app.port());
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(100))
                    .until(() -> http.get("/api/status").json().path("live").path("ok").asBoolean());
            assertThat(source.problem()).isNull();

            store.close(); // every later read fails, as a folder gone or damaged under the inspector would

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> source.problem() != null);
            JsonNode live = http.get("/api/status").json().path("live");
            assertThat(live.path("ok").asBoolean(true)).isFalse();
            assertThat(live.path("problem").asText()).startsWith("live updates stopped: reading the recordings failed: ");
            assertThat(live.path("sinceMillis").asLong()).isPositive();
        }
    }
}
