package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A damaged index file ({@code sockscope.mv.db}): how its failures look, and moving it aside so that a new index is
 * built from the recording files. H2 meets a damaged file with a StackOverflowError deep in its page reader, an IO
 * exception, or a read-only channel written to; none of these says "damaged", so this does.
 */
final class IndexDamage {
    private static final Logger LOG = LoggerFactory.getLogger(IndexDamage.class);
    /** H2's codes: general error (wraps StackOverflowError and the like), IO exception, file corrupted. */
    private static final java.util.Set<Integer> DAMAGE_CODES = java.util.Set.of(50000, 90028, 90030, 90031);

    private IndexDamage() {
    }

    static boolean looksDamaged(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError || t instanceof java.nio.channels.NonWritableChannelException
                    || t instanceof IndexWatchdog.Stalled
                    || t.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
                return true;
            }
            if (t instanceof SQLException sql && DAMAGE_CODES.contains(sql.getErrorCode())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * A schema upgrade that stopped half way (a process killed between a migration's change and Flyway's note of it):
     * the next upgrade fails on a column or table that is already there, and would on every open.
     */
    static boolean halfMigrated(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && HALF_MIGRATED_CODES.contains(sql.getErrorCode())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** H2's codes: duplicate column, table exists, index exists. */
    private static final java.util.Set<Integer> HALF_MIGRATED_CODES = java.util.Set.of(42121, 42101, 42111);

    /** Renames the index file to {@code sockscope.mv.db.damaged-N} and says so; returns the new name. */
    static Path moveAside(Path dir, Throwable why) throws IOException {
        Path file = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
        Path aside = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db.damaged-" + System.currentTimeMillis());
        // Only a file nobody holds: H2 locks the file it has open, and a rename would pull it from under a live proxy.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new IOException(file + " is in use by another process");
            }
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.channels.OverlappingFileLockException heldHere) {
            // This process's own lock: H2 keeps the lock of a file it failed to open (seen with damaged files).
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.warn("the recording index {} is damaged ({}); it was moved to {}, and a new index is being built from the"
                + " recording files in {} (sessions recorded before recording files existed are only in the moved file)",
                file, dev.sockscope.wire.Failures.rootMessage(why), aside.getFileName(), Journal.folder(dir));
        return aside;
    }

    /**
     * A folder copied while its proxy was running: its index file is set aside (the recording files, which the index
     * is built from, are kept) and the copied announcement removed, so that the index is built anew from the recording
     * files, once (true when it was). Sessions recorded before recording files existed stay in the file set aside.
     */
    static boolean setAsideLiveCopy(Path dir) throws IOException {
        if (!LocalServer.copiedWhileLive(dir)) {
            return false;
        }
        Path file = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
        if (Files.exists(file)) {
            Path aside = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db.copied-live-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("{} was copied from a folder whose proxy was running (its {} names another folder), so its recording"
                    + " index is a snapshot taken in the middle of a write: it was moved to {}, and a new index is being"
                    + " built from the recording files in {}", dir, LocalServer.ANNOUNCEMENT, aside.getFileName(),
                    Journal.folder(dir));
        }
        Files.deleteIfExists(dir.resolve(LocalServer.ANNOUNCEMENT));
        return true;
    }
}
