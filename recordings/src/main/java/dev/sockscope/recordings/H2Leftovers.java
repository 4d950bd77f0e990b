package dev.sockscope.recordings;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of an index file that H2 kept open after this process closed its database. H2 closes a database by closing
 * its tables and sessions first and its file last, and an error on the way (it logs it to {@code sockscope.trace.db}
 * only) skips the file: the database is gone from H2's registry while its file store, background writer and file lock
 * stay. Every later open of the folder in this process then fails with "Database may be already in use", for good
 * (seen in CI: a reader waited 15 s for a folder its own process held). Called right after this process closed the
 * database it held alone: a file store on that file that H2's registry of open databases does not name is that
 * leftover, closed here.
 */
final class H2Leftovers {
    private static final Logger LOG = LoggerFactory.getLogger(H2Leftovers.class);
    /** H2 names a file store's background writer after its file: {@code FileStore.BackgroundWriterThread}. */
    private static final String WRITER_THREAD = "MVStore background writer ";

    private static final java.util.concurrent.atomic.AtomicBoolean SAID_REGISTRY = new java.util.concurrent.atomic.AtomicBoolean();

    private H2Leftovers() {
    }

    /**
     * Closes, without writing, the file stores of this process still open on {@code mvDb}; returns how many. Nothing
     * is lost by not writing: the index is rebuilt from the recording files up to what they hold on its next open.
     */
    static int release(Path mvDb) {
        if (!heldHere(mvDb) || openInH2(mvDb)) {
            return 0; // nothing held, or a database H2 has open (or is opening): not a leftover
        }
        int closed = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith(WRITER_THREAD) || !sameFile(t.getName().substring(WRITER_THREAD.length()), mvDb)) {
                continue;
            }
            MVStore store = storeOf(t);
            if (store != null && !store.isClosed()) {
                store.closeImmediately();
                closed++;
            }
        }
        String trace = traceTail(mvDb);
        if (closed > 0 && !heldHere(mvDb)) {
            LOG.warn("H2 kept {} open after its database was closed (its close failed part way); released it.{}",
                    mvDb, trace);
        } else if (closed > 0) {
            LOG.error("H2 kept {} open after its database was closed, and releasing it did not free the file: opening this"
                    + " folder again in this process fails until it exits.{}", mvDb, trace);
        } else {
            LOG.warn("{} is still open in this process after its database was closed, but not by a store of H2's that can"
                    + " be found: opening this folder again in this process may fail until it exits.{}", mvDb, trace);
        }
        return closed;
    }

    /** Whether this process has {@code file} open (Linux's {@code /proc}; elsewhere never, so nothing is done). */
    static boolean heldHere(Path file) {
        Path fds = Path.of("/proc/self/fd");
        try {
            return Files.isDirectory(fds) && FileHolders.holds(fds, file.toRealPath());
        } catch (java.io.IOException e) {
            return false; // no such file: nothing holds it
        }
    }

    /**
     * Whether H2's registry of open databases names this file: a database open or being opened, by this store or any
     * other code of this process, which must not be touched. When the registry cannot be read, taken as open.
     */
    static boolean openInH2(Path mvDb) {
        try {
            Field f = Class.forName("org.h2.engine.Engine").getDeclaredField("DATABASES");
            f.setAccessible(true);
            Map<?, ?> databases = (Map<?, ?>) f.get(null);
            List<Map.Entry<?, ?>> entries;
            synchronized (databases) { // as H2 itself does when it adds one
                entries = new ArrayList<>(databases.entrySet());
            }
            for (Map.Entry<?, ?> e : entries) {
                if (sameFile(e.getKey() + ".mv.db", mvDb) && holdsDatabase(e.getValue())) {
                    return true;
                }
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (SAID_REGISTRY.compareAndSet(false, true)) {
                LOG.warn("cannot read H2's open databases ({}): an index file H2 keeps open after a failed close is not"
                        + " released", e.toString());
            }
            return true;
        }
    }

    /**
     * H2 keeps an entry without a database after an open that failed; while a database is being opened its entry is
     * locked, so this waits for that open to end and then sees its outcome.
     */
    private static boolean holdsDatabase(Object holder) throws ReflectiveOperationException {
        Field database = holder.getClass().getDeclaredField("database");
        database.setAccessible(true);
        synchronized (holder) {
            return database.get(holder) != null;
        }
    }

    private static boolean sameFile(String path, Path file) {
        try {
            return Files.isSameFile(Path.of(path), file);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static MVStore storeOf(Thread writer) {
        try {
            Object fileStore = field(writer, "store");
            return fileStore != null && field(fileStore, "mvStore") instanceof MVStore mv ? mv : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot reach the file store behind {}: {}", writer.getName(), e.toString());
            return null;
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(owner);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        return null;
    }

    /** The end of H2's own account ({@code sockscope.trace.db}), which says why its close failed. */
    private static String traceTail(Path mvDb) {
        Path trace = mvDb.resolveSibling(mvDb.getFileName().toString().replace(".mv.db", ".trace.db"));
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(trace)) {
            long from = Math.max(0, ch.size() - 2000);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (ch.size() - from));
            ch.position(from);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read to the end
            }
            return " H2's trace ends: " + new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            return ""; // no trace written
        }
    }
}
