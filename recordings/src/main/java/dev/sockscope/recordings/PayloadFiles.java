package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Large payloads, kept outside H2: one append-only file per session, {@code DIR/payloads/SESSION.bin} (0600), that a
 * block points into by offset (block format version 5). A 1 MiB message written into H2 costs the recorder and H2's
 * saver several copies (a copy-on-write B-tree page rewritten as its neighbours arrive); appended to a file it costs
 * one write, so recording large messages keeps up with relaying them. A payload is written before the block that
 * points at it is committed, so a committed block never points past what was written; bytes written for a block
 * whose commit was lost (a crash, a retried batch) are never pointed at, and go with the session's file.
 * <p>
 * The writer's side (append, forget) is used by the store's writer alone; reading is safe from any thread and any
 * process on the folder.
 */
class PayloadFiles implements AutoCloseable {
    /** Payloads of at least this many bytes go to the session's file; smaller ones stay in the (deflated) block. */
    static final int MIN_EXTERNAL = 64 << 10;
    static final String FOLDER = "payloads";
    /** Open files kept by the writer; a session seen again after being closed here is reopened. */
    private static final int MAX_OPEN = 32;
    /** Bytes per read or write call (the JDK copies a heap buffer through a direct one of its size, kept per thread). */
    private static final int WRITE_SLICE = 1 << 20;

    private final Path folder;
    private final Map<Long, Appender> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Appender> eldest) {
            if (size() > MAX_OPEN) {
                eldest.getValue().closeLater();
                return true;
            }
            return false;
        }
    };

    /** Where each file ended before the batch being written: a batch that is rolled back is cut off there again. */
    private final Map<Long, Long> batchStart = new java.util.HashMap<>();

    /** The permissions a new payload file is created with (owner only where the file system has them). */
    private FileAttribute<?>[] attributes;

    /** The writer's: forces what is appended to the disk within its interval. */
    private FileSyncer syncer;

    PayloadFiles(Path directory) {
        this.folder = directory.resolve(FOLDER);
    }

    void syncWith(FileSyncer syncer) {
        this.syncer = syncer;
    }

    /** The recordings folder. */
    Path directory() {
        return folder.getParent();
    }

    static boolean external(byte[] payload) {
        return payload.length >= MIN_EXTERNAL;
    }

    Path file(long sessionId) {
        return folder.resolve(sessionId + ".bin");
    }

    /** Appends {@code payload} to the session's file and returns where it starts. */
    long append(long sessionId, byte[] payload) throws IOException {
        Appender a = open.get(sessionId);
        if (a == null) {
            FileChannel channel = openForAppend(sessionId);
            try {
                a = new Appender(channel, file(sessionId), syncer);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            open.put(sessionId, a);
        }
        batchStart.putIfAbsent(sessionId, a.end);
        return a.append(payload);
    }

    /** The batch is committed: what it appended stays. */
    void committed() {
        batchStart.clear();
    }

    /**
     * The batch was rolled back: cut each file it appended to back to where it ended before, so that a retried batch
     * does not leave a second copy of its payloads (nothing committed points past that point).
     */
    void rolledBack() {
        for (Map.Entry<Long, Long> e : batchStart.entrySet()) {
            Appender a = open.get(e.getKey());
            try {
                if (a != null) {
                    a.channel.truncate(e.getValue());
                    a.end = e.getValue();
                } else {
                    try (FileChannel ch = FileChannel.open(file(e.getKey()), StandardOpenOption.WRITE)) {
                        ch.truncate(e.getValue());
                    }
                }
            } catch (IOException failed) {
                // the bytes stay unreferenced: space lost, nothing wrong read
            }
        }
        batchStart.clear();
    }

    private FileChannel openForAppend(long sessionId) throws IOException {
        if (!Files.isDirectory(folder)) {
            OwnerOnly.createFolder(folder);
        }
        Path file = file(sessionId);
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (attributes == null) {
            // asked once: the answer reads the system's mount table
            attributes = OwnerOnly.supported(folder)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)} : new FileAttribute<?>[0];
        }
        return FileChannel.open(file, options, attributes);
    }

    /**
     * The {@code length} bytes at {@code offset} of the session's file.
     *
     * @throws IOException with a message that says what is missing when the file is gone or shorter than that
     */
    byte[] read(long sessionId, long offset, int length) throws IOException {
        Path file = file(sessionId);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] out = new byte[length];
            int done = 0;
            while (done < length) {
                int n = ch.read(ByteBuffer.wrap(out, done, Math.min(WRITE_SLICE, length - done)), offset + done);
                if (n < 0) {
                    throw new IOException(FOLDER + "/" + file.getFileName() + " ends at byte " + ch.size()
                            + ", before the " + length + " bytes at " + offset);
                }
                done += n;
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new IOException(FOLDER + "/" + file.getFileName() + " is missing", e);
        }
    }

    /** The session has ended: close its file (it is reopened should a late event come). */
    void forget(long sessionId) {
        Appender a = open.remove(sessionId);
        if (a != null) {
            a.closeLater();
        }
    }

    /** Removes the session's file, once its blocks are deleted. */
    void delete(long sessionId) throws IOException {
        Appender a = open.remove(sessionId);
        if (a != null) {
            a.closeQuietly(); // closed now: some systems refuse to delete an open file
        }
        Files.deleteIfExists(file(sessionId));
    }

    @Override
    public void close() {
        open.values().forEach(Appender::closeQuietly);
        open.clear();
    }

    /** One session's open file and where the next payload goes. */
    private static final class Appender {
        private final FileChannel channel;
        private final Path path;
        private final FileSyncer syncer;
        private long end;

        Appender(FileChannel channel, Path path, FileSyncer syncer) throws IOException {
            this.channel = channel;
            this.path = path;
            this.syncer = syncer;
            this.end = channel.size();
        }

        /**
         * Writes the tap's array as it is: the JDK copies each slice into its per-thread direct buffer for the OS, the
         * payload's second and last copy since the socket read (the OS is handed no heap array, so that copy is the
         * least there is; copying into a direct buffer of our own would replace it, not save it).
         */
        long append(byte[] payload) throws IOException {
            long at = end;
            long position = at;
            for (int from = 0; from < payload.length; from += WRITE_SLICE) {
                ByteBuffer buf = ByteBuffer.wrap(payload, from, Math.min(WRITE_SLICE, payload.length - from));
                while (buf.hasRemaining()) {
                    position += channel.write(buf, position);
                }
            }
            end = position;
            if (syncer != null) {
                syncer.written(channel, path);
            }
            return at;
        }

        /** Closed now and forced (if written) on the syncer's thread within its interval: the writer waits for no fsync. */
        void closeLater() {
            if (syncer != null) {
                syncer.closeLater(channel, path);
            } else {
                closeQuietly();
            }
        }

        void closeQuietly() {
            if (syncer != null) {
                syncer.close(channel);
                return;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // a close after writing loses nothing: the bytes are in the OS's cache already
            }
        }
    }
}
