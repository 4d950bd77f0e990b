package dev.sockscope.recordings;

import java.nio.file.Path;

/** Where a store is: a recordings folder (H2, one machine). */
public sealed interface StoreLocation {

    /** A recordings folder: an H2 index and the sessions' recording files. */
    record Folder(Path directory) implements StoreLocation {
        @Override
        public String toString() {
            return directory.toString();
        }
    }
}
