package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long-lived reader ({@code sockscope ui}) follows the proxy that records into its folder, without failing a call. */
class YieldingReaderTest {
    @TempDir
    Path dir;

    @Test
    void aCallMadeAsTheProxyStopsIsAnsweredFromTheFileNotWithABrokenConnection() throws Exception {
        RecordingStore proxy = H2RecordingStore.open(dir);
        try (YieldingReader reader = YieldingReader.open(dir)) {
            try {
                long id = proxy.nextSessionId();
                proxy.append(Fixtures.decoded(proxy, Fixtures.chatSession(id)));
                assertThat(reader.throughProxy()).isTrue();
                assertThat(reader.sessions(10)).hasSize(1);
            } finally {
                proxy.close();
            }
            // At once, before the reader's watcher (every 200 ms) sees the proxy gone: this call's connection breaks.
            for (int i = 0; i < 3; i++) {
                assertThat(reader.sessions(10)).as("sessions read right after the proxy stopped").hasSize(1);
            }
            assertThat(reader.throughProxy()).isFalse();
        }
    }
}
