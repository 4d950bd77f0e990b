package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole recording file past its damage: at a record that does not read, it looks for the next offset where a
 * record whose checksum matches starts (resynchronising), and goes on from there. What {@code sockscope check} reports
 * and {@code sockscope repair} keeps.
 */
final class JournalSalvage {
    private JournalSalvage() {
    }

    /** A stretch of the file that holds no readable record: where, how long, and what was found at its start. */
    record Gap(long offset, long length, String why, boolean atEnd) {
    }

    /** The file's readable records and its gaps; {@code header} says what is wrong with the header, if anything. */
    record Survey(Path file, long size, String header, List<Journal.Record> records, List<Gap> gaps) {
        boolean damaged() {
            return header != null || !gaps.isEmpty();
        }

        /** Only a record cut short at the end, as a crash while writing leaves. */
        boolean onlyTornTail() {
            return header == null && gaps.size() == 1 && gaps.get(0).atEnd() && gaps.get(0).why().startsWith(Journal.TORN);
        }

        long recordBytes() {
            return records.stream().mapToLong(r -> r.next() - r.offset()).sum();
        }
    }

    static Survey survey(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file.getFileName() + " is larger than 2 GiB, more than this version can scan");
            }
            String header = Journal.checkHeader(ch, Journal.sessionOf(file));
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            List<Journal.Record> records = new ArrayList<>();
            List<Gap> gaps = new ArrayList<>();
            long at = header == null ? Journal.HEADER : 0;
            while (at < size) {
                Object read = Journal.readAt(map, at);
                if (read instanceof Journal.Record r) {
                    records.add(r);
                    at = r.next();
                    continue;
                }
                long next = nextRecord(map, at + 1);
                gaps.add(new Gap(at, (next < 0 ? size : next) - at, (String) read, next < 0));
                if (next < 0) {
                    break;
                }
                at = next;
            }
            return new Survey(file, size, header, records, gaps);
        }
    }

    /** The next offset from {@code from} where a whole record with a matching checksum starts, or -1. */
    private static long nextRecord(ByteBuffer map, long from) {
        int size = map.limit();
        for (long q = from; q + Journal.RECORD_HEADER < size; q++) {
            int length = map.getInt((int) q);
            if (length <= 0 || length > size - q - Journal.RECORD_HEADER) {
                continue;
            }
            int kind = map.get((int) q + Journal.RECORD_HEADER);
            if (kind < 1 || kind > JournalEntry.Kind.values().length) {
                continue; // not an entry's first byte: no checksum to compute
            }
            if (Journal.readAt(map, q) instanceof Journal.Record) {
                return q;
            }
        }
        return -1;
    }

    /** Writes the survey's readable records, in order, to a new recording file for the same session. */
    static void write(Survey s, long sessionId, Path out) throws IOException {
        try (FileChannel src = FileChannel.open(s.file(), StandardOpenOption.READ);
             FileChannel dst = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = Journal.header(sessionId);
            while (header.hasRemaining()) {
                dst.write(header);
            }
            for (Journal.Record r : s.records()) {
                long done = 0;
                long length = r.next() - r.offset();
                while (done < length) {
                    done += src.transferTo(r.offset() + done, length - done, dst);
                }
            }
            dst.force(false);
        }
    }
}
