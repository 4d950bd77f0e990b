package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The recording files: one append-only file per session, {@code DIR/journal/ID.seg} (0600), the source of truth of
 * the recording. Every change to the index ({@link JournalEntry}) is appended here before the database sees it; the
 * database is an index of these files, caught up or rebuilt from them ({@link JournalReplay}).
 *
 * <p>Format (version 1): a header of 20 bytes (the 8 ASCII bytes {@code SSJOURNL}, the format version as 4 bytes, the
 * session id as 8 bytes), then records: the body's length (4 bytes), its CRC32C (4 bytes), the body. A record cut short
 * by a crash (a torn tail) or whose checksum does not match is found by {@link #scan}; nothing past it is trusted
 * until {@code sockscope repair} resynchronises on the next record whose checksum matches.
 *
 * <p>The writer's side is used by the store's writer alone: each batch's records of a session go out in one write
 * call (so a {@code kill -9} loses nothing written), and {@link FileSyncer} forces them to the disk within its interval.
 */
final class Journal implements AutoCloseable {
    static final String FOLDER = "journal";
    static final String SUFFIX = ".seg";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "SSJOURNL".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 20;
    static final int RECORD_HEADER = 8;
    /** No record is larger (a block is a few hundred KiB; large payloads live in payload files). */
    static final int MAX_BODY = 256 << 20;
    /**
     * Files kept open for appending. Above the sessions a proxy usually records at once (the benchmark's 100): with
     * fewer, every batch of 100 sessions closed and reopened files, and each close waited for an fsync on the writer.
     */
    static final int MAX_OPEN = 512;
    /**
     * Room kept on the disk for the records that end the open sessions when the disk is full ({@link #useReserve}):
     * {@code journal/reserve}, written by the writer when it opens the folder.
     */
    static final String RESERVE = "reserve";
    static final int RESERVE_BYTES = 1 << 20;

    private final Path folder;
    private final FileSyncer syncer;
    /** The permissions a new recording file is created with (owner only where the file system has them). */
    private FileAttribute<?>[] attributes;
    /** Only the recorder's thread appends (as {@link #open} says), so one buffer serves every write. */
    private ByteBuffer writeBuffer;
    private static final int WRITE_BUFFER_KEPT = 4 << 20;
    private final Map<Long, Appending> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Appending> eldest) {
            if (size() > MAX_OPEN) {
                syncer.closeLater(eldest.getValue().channel, eldest.getValue().path); // forced by the syncer, not the writer
                return true;
            }
            return false;
        }
    };

    /** A file open for appending and where it ends, so that an append asks the OS for nothing but the write. */
    private static final class Appending {
        final FileChannel channel;
        final Path path;
        long end;

        Appending(FileChannel channel, Path path, long end) {
            this.channel = channel;
            this.path = path;
            this.end = end;
        }
    }

    Journal(Path directory, FileSyncer syncer) {
        this.folder = directory.resolve(FOLDER);
        this.syncer = syncer;
    }

    static Path folder(Path directory) {
        return directory.resolve(FOLDER);
    }

    static Path file(Path directory, long sessionId) {
        return folder(directory).resolve(sessionId + SUFFIX);
    }

    /** The session id a recording file is named for, or -1 for another file. */
    static long sessionOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Appends the entries to the session's file in one write and returns where each record starts, then the file's
     * end. Each entry is encoded straight into one write buffer (a block's payloads are copied once on their way to
     * the file, {@link BlockBody}), kept direct and reused by the recorder's thread so the OS write needs no copy of its
     * own. A block whose compression was settled as it was written is replaced in {@code entries} by the entry as
     * written ({@link JournalEntry#encodeInto}), for the index.
     */
    long[] append(long sessionId, List<JournalEntry> entries) throws IOException {
        Appending file = open.get(sessionId);
        if (file == null) {
            FileChannel opened = openForAppend(sessionId);
            file = new Appending(opened, file(folder.getParent(), sessionId), opened.size());
            open.put(sessionId, file);
        }
        FileChannel ch = file.channel;
        long end = file.end;
        int total = 0;
        for (JournalEntry e : entries) {
            total += RECORD_HEADER + e.encodedSize();
        }
        ByteBuffer buf = writeBuffer(total);
        long[] offsets = new long[entries.size() + 1];
        CRC32C crc = new CRC32C();
        for (int i = 0; i < entries.size(); i++) {
            int header = buf.position();
            offsets[i] = end + header;
            buf.position(header + RECORD_HEADER);
            JournalEntry written = entries.get(i).encodeInto(buf);
            if (written != entries.get(i)) {
                entries.set(i, written);
            }
            int length = buf.position() - header - RECORD_HEADER;
            crc.reset();
            crc.update(buf.duplicate().position(header + RECORD_HEADER).limit(buf.position()));
            buf.putInt(header, length).putInt(header + 4, (int) crc.getValue());
        }
        offsets[entries.size()] = end + buf.position();
        buf.flip();
        long position = end;
        try {
            while (buf.hasRemaining()) {
                position += ch.write(buf, position);
            }
        } catch (IOException e) {
            try {
                ch.truncate(end); // a record half written (a full disk) is not left for the next batch to follow
            } catch (IOException ignored) {
                // the next scan sees a torn record there and stops at it
            }
            throw new IOException("cannot write to the recording file " + FOLDER + "/" + sessionId + SUFFIX + ": "
                    + e.getMessage(), e);
        }
        file.end = position;
        syncer.written(ch, file.path);
        return offsets;
    }

    /** The reused direct buffer, cleared, with room for {@code bytes}; a batch over 4 MiB gets one of its own. */
    private ByteBuffer writeBuffer(int bytes) {
        if (bytes > WRITE_BUFFER_KEPT) {
            return ByteBuffer.allocate(bytes);
        }
        if (writeBuffer == null || writeBuffer.capacity() < bytes) {
            writeBuffer = ByteBuffer.allocateDirect(Math.min(WRITE_BUFFER_KEPT, Math.max(64 << 10, Integer.highestOneBit(bytes - 1) << 1)));
        }
        return writeBuffer.clear();
    }

    private FileChannel openForAppend(long sessionId) throws IOException {
        if (!Files.isDirectory(folder)) {
            OwnerOnly.createFolder(folder);
        }
        Path file = file(folder.getParent(), sessionId);
        if (attributes == null) {
            // asked once: the answer reads the system's mount table, a cost each new session paid on its first block
            attributes = OwnerOnly.supported(folder)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)} : new FileAttribute<?>[0];
        }
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ), attributes);
        try {
            if (ch.size() < HEADER) {
                ch.truncate(0);
                ch.write(header(sessionId), 0);
            }
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot write to the recording file " + FOLDER + "/" + sessionId + SUFFIX + ": "
                    + e.getMessage(), e);
        }
        return ch;
    }

    static ByteBuffer header(long sessionId) {
        return ByteBuffer.allocate(HEADER).put(MAGIC).putInt(VERSION).putLong(sessionId).flip();
    }

    /** Keeps {@link #RESERVE_BYTES} on the disk (written, not sparse) for {@link #useReserve}. */
    void keepReserve() throws IOException {
        if (!Files.isDirectory(folder)) {
            OwnerOnly.createFolder(folder);
        }
        Path reserve = folder.resolve(RESERVE);
        if (Files.isRegularFile(reserve) && Files.size(reserve) == RESERVE_BYTES) {
            return;
        }
        try (FileChannel ch = FileChannel.open(reserve, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(RESERVE_BYTES);
            while (zeros.hasRemaining()) {
                ch.write(zeros);
            }
            ch.force(false);
        }
    }

    /** Gives the reserved room back to the disk, so that the last records fit; true if there was any. */
    boolean useReserve() {
        try {
            return Files.deleteIfExists(folder.resolve(RESERVE));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The session has ended: its file is closed now and forced on the syncer's thread within its interval, so that a
     * burst of sessions ending does not hold the writer for one fsync each.
     */
    void forget(long sessionId) {
        Appending file = open.remove(sessionId);
        if (file != null) {
            syncer.closeLater(file.channel, file.path);
        }
    }

    void delete(long sessionId) throws IOException {
        Appending file = open.remove(sessionId);
        if (file != null) {
            syncer.close(file.channel); // closed now: some systems refuse to delete an open file
        }
        Files.deleteIfExists(file(folder.getParent(), sessionId));
    }

    @Override
    public void close() {
        open.values().forEach(file -> syncer.close(file.channel));
        open.clear();
    }

    /** A record read back: where it starts, where the next one does, and its entry. */
    record Record(long offset, long next, JournalEntry entry) {
    }

    /**
     * What a scan found: where the last good record ends, the file's size, and, when it stopped early, why and where.
     * A {@code torn} stop is a record cut short by the end of the file (a crash while writing it), nothing after it.
     */
    record Scan(long goodEnd, long size, long damagedAt, String damage, boolean torn) {
        boolean clean() {
            return damage == null;
        }
    }

    @FunctionalInterface
    interface RecordSink {
        void accept(Record r) throws Exception;
    }

    /**
     * Reads the records of {@code file} from {@code from} (0: the header first) and hands each to {@code sink}, stopping
     * at the first damage or the end.
     */
    static Scan scan(Path file, long from, RecordSink sink) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long at = from;
            if (from < HEADER) {
                String bad = checkHeader(ch, sessionOf(file));
                if (bad != null) {
                    return new Scan(0, size, 0, bad, size < HEADER);
                }
                at = HEADER;
            }
            while (at < size) {
                Object read = readAt(ch, at, size);
                if (read instanceof String damage) {
                    boolean torn = damage.startsWith(TORN);
                    return new Scan(at, size, at, damage, torn);
                }
                Record r = (Record) read;
                sink.accept(r);
                at = r.next();
            }
            return new Scan(at, size, -1, null, false);
        }
    }

    static final String TORN = "cut short";

    static String checkHeader(FileChannel ch, long sessionId) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
            // fill
        }
        if (h.hasRemaining()) {
            return TORN + ": the header is incomplete (" + h.position() + " of " + HEADER + " bytes)";
        }
        h.flip();
        byte[] magic = new byte[MAGIC.length];
        h.get(magic);
        int version = h.getInt();
        long id = h.getLong();
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return "the header is not a Sockscope recording file's";
        }
        if (version != VERSION) {
            return "format version " + version + " (this Sockscope reads version " + VERSION + "; a newer one wrote it?)";
        }
        if (sessionId >= 0 && id != sessionId) {
            return "the header names session " + id;
        }
        return null;
    }

    /** The record at {@code at}, or a String saying why there is none. */
    static Object readAt(FileChannel ch, long at, long size) throws IOException {
        if (size - at < RECORD_HEADER) {
            return TORN + ": " + (size - at) + " bytes where a record's header needs " + RECORD_HEADER;
        }
        ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER);
        readFully(ch, head, at);
        head.flip();
        int length = head.getInt();
        int crc = head.getInt();
        String bad = badLength(length, at, size);
        if (bad != null) {
            return bad;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, at + RECORD_HEADER);
        body.flip();
        return parse(at, crc, body);
    }

    /** The record at {@code at} of a file held in memory, or a String saying why there is none. */
    static Object readAt(ByteBuffer file, long at) {
        long size = file.limit();
        if (size - at < RECORD_HEADER) {
            return TORN + ": " + (size - at) + " bytes where a record's header needs " + RECORD_HEADER;
        }
        int length = file.getInt((int) at);
        int crc = file.getInt((int) at + 4);
        String bad = badLength(length, at, size);
        if (bad != null) {
            return bad;
        }
        return parse(at, crc, file.slice((int) at + RECORD_HEADER, length));
    }

    private static String badLength(int length, long at, long size) {
        if (length <= 0 || length > MAX_BODY) {
            return "a record length of " + length + " bytes is impossible";
        }
        if (at + RECORD_HEADER + length > size) {
            return TORN + ": a record of " + length + " bytes with " + (size - at - RECORD_HEADER) + " left in the file";
        }
        return null;
    }

    private static Object parse(long at, int crc, ByteBuffer body) {
        CRC32C check = new CRC32C();
        check.update(body.duplicate());
        if ((int) check.getValue() != crc) {
            return "a record's checksum does not match its " + body.remaining() + " bytes";
        }
        try {
            return new Record(at, at + RECORD_HEADER + body.remaining(), JournalEntry.decode(body.duplicate()));
        } catch (IllegalArgumentException e) {
            return "a record whose checksum matches does not read: " + e.getMessage();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("the file ended while reading");
            }
        }
    }

    /**
     * The block bytes of the record at {@code offset} of the session's file: what a block row of the index points at.
     *
     * @throws IOException that says which file is damaged where, and what to do, when the record does not read
     */
    static byte[] readBlock(Path directory, long sessionId, long offset) throws IOException {
        Path file = file(directory, sessionId);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Object read = readAt(ch, offset, ch.size());
            if (read instanceof Record r && r.entry().kind() == JournalEntry.Kind.BLOCK) {
                return r.entry().blockData();
            }
            throw new IOException(damaged(sessionId, offset, read instanceof String why ? why : "no block there"));
        } catch (NoSuchFileException e) {
            throw new IOException("the recording file " + FOLDER + "/" + sessionId + SUFFIX + " is missing; run"
                    + " 'sockscope check' to see what is left", e);
        }
    }

    static String damaged(long sessionId, long offset, String why) {
        return "the recording file " + FOLDER + "/" + sessionId + SUFFIX + " is damaged at offset " + offset + " (" + why
                + "); run 'sockscope repair' to salvage the rest";
    }
}
