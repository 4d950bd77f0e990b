package dev.sockscope.recordings;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.sockscope.capture.MemoryBudget;

/** Opens the store at a {@link StoreLocation}, for recording into it or for reading it. */
public final class Stores {
    /** The name a proxy records under in a team store (default: the host name). */
    public static final String PROXY_NAME_VARIABLE = "SOCKSCOPE_PROXY_NAME";

    private Stores() {
    }

    /** The store for a process that records into it (a proxy, an import). */
    public static RecordingStore openWriter(StoreLocation location) throws RecordingException {
        return openWriter(location, MemoryBudget.forThisHeap());
    }

    /** As above, an H2 store's cache taking {@code memory}'s store share (PostgreSQL caches in its own server). */
    public static RecordingStore openWriter(StoreLocation location, MemoryBudget memory) throws RecordingException {
        if (location instanceof StoreLocation.Postgres pg) {
            String host = hostName();
            String name = System.getenv(PROXY_NAME_VARIABLE);
            return PgRecordingStore.openWriter(pg, host, name == null || name.isBlank() ? host : name);
        }
        return H2RecordingStore.open(((StoreLocation.Folder) location).directory(), memory);
    }

    /** The store for a process that only reads it (the command line); it may delete ended sessions where allowed. */
    public static RecordingStore openReader(StoreLocation location) throws RecordingException {
        if (location instanceof StoreLocation.Postgres pg) {
            return PgRecordingStore.openReader(pg);
        }
        return H2RecordingStore.openReader(((StoreLocation.Folder) location).directory());
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown" : env;
        }
    }
}
