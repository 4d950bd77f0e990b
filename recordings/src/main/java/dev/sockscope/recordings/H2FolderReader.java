package dev.sockscope.recordings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.sockscope.recordings.H2IndexConnector.Migrate;

/**
 * How a reader opens a recordings folder: through the proxy that records there, if one runs, otherwise the file
 * itself, read-only, bringing it up to its recording files first (alone, as a writer would) when it is behind them,
 * damaged or of an older schema.
 */
final class H2FolderReader {
    private H2FolderReader() {
    }

    /**
     * Opens the recordings for reading: through the running proxy that holds them, if there is one, otherwise the
     * file itself, read-only, which any number of readers may do at once. A folder recorded by an older version is
     * upgraded first (that one open is exclusive). While a proxy is starting or stopping (it holds the file but has
     * no server yet), waits for either.
     */
    static H2RecordingStore open(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db"))) {
            throw new RecordingException("no recordings in " + dir + " (record some with 'sockscope proxy --db "
                    + dir + "', or point --db at another folder)", null);
        }
        String file = "jdbc:h2:file:" + dir.resolve(H2RecordingStore.FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
        long deadline = System.currentTimeMillis() + H2RecordingStore.LOCKED_WAIT_MS;
        boolean caughtUp = false;
        if (H2RecordingStore.setAsideLiveCopy(dir)) {
            caughtUp = true;
            catchUpAlone(dir, file);
        }
        while (true) {
            Optional<LocalServer.Announcement> live = LocalServer.findLive(dir);
            try {
                if (live.isPresent()) {
                    LocalServer.Announcement a = live.get();
                    return H2IndexConnector.connect(dir, a.url(), a.user(), a.password(), Migrate.NEVER);
                }
                if (!caughtUp && Files.size(dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db")) == 0) {
                    // Empty (killed as it was created, or cut): H2 read-only would fail and keep the file locked.
                    caughtUp = true;
                    catchUpAlone(dir, file);
                    continue;
                }
                H2RecordingStore store;
                try {
                    store = H2IndexConnector.connect(dir, file + ";ACCESS_MODE_DATA=r", "sa", "", Migrate.CHECK);
                } catch (RecordingException e) {
                    if (caughtUp || H2Folder.isLocked(e) || !IndexDamage.looksDamaged(e)) {
                        throw e;
                    }
                    caughtUp = true;
                    catchUpAlone(dir, file); // a damaged index: built anew from the recording files
                    continue;
                }
                if (store != null && (caughtUp || !store.behindItsFiles())) {
                    return store;
                }
                if (store != null) {
                    store.close();
                }
                // An older schema, or an index behind its files (a proxy killed): bring it up (alone), then read it.
                caughtUp = true;
                catchUpAlone(dir, file);
            } catch (java.io.IOException e) {
                throw new RecordingException("cannot read the recordings in " + dir + ": " + e.getMessage(), e);
            } catch (RecordingException e) {
                boolean serverGone = live.isPresent() && LocalServer.findLive(dir).isEmpty();
                if (!(H2Folder.isLocked(e) || serverGone) || System.currentTimeMillis() > deadline) {
                    throw H2Folder.isLocked(e) ? H2Folder.inUse(dir, e) : e;
                }
                if (!H2Folder.pause(50)) {
                    throw e;
                }
            }
        }
    }

    /** Catches the index up (or rebuilds it) as a writer would, alone, for a reader that found it behind or damaged. */
    private static void catchUpAlone(Path dir, String url) throws RecordingException {
        H2RecordingStore.openIndex(dir, url).close(); // sessions left open are ended too: no reader finds them left open and builds them again
    }
}
