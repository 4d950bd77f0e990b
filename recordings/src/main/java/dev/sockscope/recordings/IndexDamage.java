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

    /** Renames the index file to {@code sockscope.mv.db.damaged-N} and says so; returns the new name. */
    static Path moveAside(Path dir, Throwable why) throws IOException {
        Path file = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
        Path aside = dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db.damaged-" + System.currentTimeMillis());
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        LOG.warn("the recording index {} is damaged ({}); it was moved to {}, and a new index is being built from the"
                + " recording files in {} (sessions recorded before recording files existed are only in the moved file)",
                file, dev.sockscope.wire.Failures.rootMessage(why), aside.getFileName(), Journal.folder(dir));
        return aside;
    }
}
