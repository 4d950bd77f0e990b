package dev.sockscope.recordings;

/** Opens the store at a {@link StoreLocation}, for recording into it or for reading it. */
public final class Stores {
    private Stores() {
    }

    /** The store for a process that records into it (a proxy, an import). */
    public static RecordingStore openWriter(StoreLocation location) throws RecordingException {
        StoreLocation.Folder folder = (StoreLocation.Folder) location;
        return H2RecordingStore.open(folder.directory());
    }

    /** The store for a process that only reads it (the command line); it may delete ended sessions where allowed. */
    public static RecordingStore openReader(StoreLocation location) throws RecordingException {
        StoreLocation.Folder folder = (StoreLocation.Folder) location;
        return H2RecordingStore.openReader(folder.directory());
    }
}
