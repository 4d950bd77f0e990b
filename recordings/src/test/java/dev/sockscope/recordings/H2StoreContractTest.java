package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an H2 folder: a proxy's store, read through the local server it serves. */
class H2StoreContractTest extends RecordingStoreContract {
    @TempDir
    Path dir;

    @Override
    RecordingStore newWriter() throws Exception {
        return Stores.openWriter(new StoreLocation.Folder(dir));
    }

    @Override
    RecordingStore reader() throws Exception {
        return Stores.openReader(new StoreLocation.Folder(dir));
    }

    @Test
    void aFolderRecordsNoProxySoAProxyFilterMatchesNothing() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long id = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(id)));
            assertThat(writer.session(id).orElseThrow().recordedBy()).isNull();
            assertThat(writer.sessions(new SessionQuery(10, null, null, null, null, false, "a")).sessions()).isEmpty();
            assertThat(writer.sessions(new SessionQuery(10, null, null, null, null, false, null)).sessions()).hasSize(1);
        }
    }

    @Test
    void aReaderBesideTheRecordingProxyMayNotStarLikeItMayNotDelete() throws Exception {
        try (RecordingStore writer = newWriter()) {
            long id = writer.nextSessionId();
            writer.append(Fixtures.decoded(writer, Fixtures.chatSession(id)));
            try (RecordingStore reader = reader()) {
                assertThat(reader.star(id, true)).isInstanceOf(StarOutcome.Refused.class);
                assertThat(reader.session(id).orElseThrow().starred()).isFalse();
            }
        }
    }
}
