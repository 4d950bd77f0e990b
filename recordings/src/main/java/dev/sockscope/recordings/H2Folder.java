package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recordings folder shared by local processes: who holds its H2 file, and how a proxy asks a long-lived reader
 * ({@link YieldingReader}) to hand it over.
 */
final class H2Folder {
    private static final Logger LOG = LoggerFactory.getLogger(H2Folder.class);
    /** Written by a proxy that finds the file locked: a {@link YieldingReader} then lets go of it. */
    static final String HANDOVER_REQUEST = "sockscope.wanted";
    /** How long a reader or a writer waits for the file while another process holds it (readers are brief). */
    static final long LOCKED_WAIT_MS = 15_000;
    /** H2's error code for a database file in use by another process. */
    private static final int FILE_LOCKED = 90020;
    private static final long PID = ProcessHandle.current().pid();

    private H2Folder() {
    }

    /** The folder, absolute, created owner-only if missing, its files tightened to the owner if not. */
    static Path prepare(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(dir)) {
                OwnerOnly.tightenFolder(dir, H2RecordingStore.FILE_NAME + ".", MaskingKey.FILE_NAME, PayloadFiles.FOLDER,
                        Journal.FOLDER);
            } else {
                OwnerOnly.createFolder(dir);
            }
        } catch (Exception e) {
            throw new RecordingException("cannot create the recordings folder " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** Whether a live proxy is waiting for the file (a request left by a process that died is removed). */
    static boolean handoverRequested(Path dir) {
        Path request = dir.resolve(HANDOVER_REQUEST);
        try {
            long pid = Long.parseLong(Files.readString(request, StandardCharsets.US_ASCII).trim());
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(request).toMillis();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && age < 4 * LOCKED_WAIT_MS) {
                return true; // a proxy waiting now (a reused pid is not waiting minutes later)
            }
            if (age < LOCKED_WAIT_MS) {
                return true; // a proxy this process cannot see (another pid namespace) within its wait
            }
            Files.deleteIfExists(request);
            return false;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (java.io.IOException | NumberFormatException e) {
            return false; // being written, or not ours: asked again on the proxy's next round
        }
    }

    /** Asks a long-lived reader for the file (it sees the request on its next round). */
    static void askForHandover(Path request) {
        if (!Files.exists(request)) {
            try {
                OwnerOnly.writeNew(request, (PID + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (java.io.IOException e) {
                LOG.debug("cannot ask readers for the folder through {}: {}", request, e.getMessage());
            }
        }
    }

    static void withdrawRequest(Path request) {
        try {
            Files.deleteIfExists(request);
        } catch (java.io.IOException e) {
            LOG.debug("cannot remove {}: {}", request, e.getMessage());
        }
    }

    static boolean isLocked(RecordingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == FILE_LOCKED) {
                return true;
            }
        }
        return false;
    }

    static RecordingException inUse(Path dir, RecordingException e) {
        java.util.List<String> holders = FileHolders.of(dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db"));
        return new RecordingException("the recordings in " + dir + " stayed in use by another process for "
                + LOCKED_WAIT_MS / 1000 + " s" + (holders.isEmpty() ? "" : " (held by " + String.join("; ", holders) + ")")
                + ": " + rootMessage(e), e);
    }

    static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
