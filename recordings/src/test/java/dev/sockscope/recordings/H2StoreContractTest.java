package dev.sockscope.recordings;

import java.nio.file.Path;

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
}
