package dev.sockscope.recordings;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One change to the index, as it is kept in a session's recording file ({@link Journal}): what kind of change and the
 * values of its row, in the order its statement ({@link IndexWriter}) binds them. The same entries are written live
 * and replayed when the index is caught up or rebuilt, so the two can never differ.
 *
 * <p>Body format (version 1): the kind's code (one byte), the number of values (one byte), then each value as a tag
 * (0 null, 1 a long in 8 bytes, 2 UTF-8 text with its length in 4 bytes, 3 bytes with their length in 4 bytes).
 */
record JournalEntry(Kind kind, long sessionId, List<Object> values) {

    enum Kind {
        /** A session opened: its row (the sessions columns of {@link IndexWriter#INSERT_SESSION}). */
        SESSION(1),
        /** Its protocol was decided: protocol, reason, decoded handshake. */
        PROTOCOL(2),
        /** It ended: ended at, close code, reason, closed by, error. */
        END(3),
        /** The requests it left unanswered (JSON). */
        UNANSWERED(4),
        /** A block of frames: its row and index row, the block's bytes last. */
        BLOCK(5),
        /** It replays another session: the original's id. */
        REPLAY(6);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown entry kind " + code);
        }
    }

    /** Where a BLOCK entry says how its bytes are stored ({@link BlockCompression}): what {@link IndexWriter#apply} binds. */
    static final int BLOCK_COMPRESSION = 5;

    JournalEntry {
        values = Collections.unmodifiableList(new ArrayList<>(values)); // nulls allowed, unlike List.copyOf
    }

    static JournalEntry of(Kind kind, long sessionId, Object... values) {
        return new JournalEntry(kind, sessionId, java.util.Arrays.asList(values));
    }

    /** A block entry's bytes (its last value), as read back from a recording file. */
    byte[] blockData() {
        return (byte[]) values.get(values.size() - 1);
    }

    /** The body's bytes in an array of their own (tests; {@link Journal#append} encodes into its write buffer). */
    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedSize());
        encodeInto(out);
        return out.position() == out.capacity() ? out.array() : java.util.Arrays.copyOf(out.array(), out.position());
    }

    /** How many bytes {@link #encodeInto} writes: at most that many for a block written as it goes ({@link BlockBody}). */
    int encodedSize() {
        int size = 1 + 8 + 1;
        for (Object v : values) {
            size += 1;
            if (v instanceof Number) {
                size += 8;
            } else if (v instanceof String t) {
                size += 4 + utf8Length(t);
            } else if (v instanceof byte[] b) {
                size += 4 + b.length;
            } else if (v instanceof BlockBody b) {
                size += 4 + b.maxStoredSize();
            } else if (v != null) {
                throw new IllegalArgumentException("no journal form for " + v.getClass().getSimpleName());
            }
        }
        return size;
    }

    /**
     * Writes the body at {@code out}'s position: a block's bytes are copied once, into the file's write buffer, or made
     * there ({@link BlockBody}). Returns the entry as written: this one, or, for a block whose compression was settled
     * as it was written, a copy that says so (with the same bytes as those written).
     */
    JournalEntry encodeInto(ByteBuffer out) {
        out.put((byte) kind.code);
        out.putLong(sessionId);
        out.put((byte) values.size());
        int compressionAt = -1;
        JournalEntry written = this;
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (i == BLOCK_COMPRESSION && kind == Kind.BLOCK) {
                compressionAt = out.position() + 1;
            }
            if (v instanceof BlockBody body) {
                out.put((byte) 3);
                int lengthAt = out.position();
                out.position(lengthAt + 4);
                long compression = body.writeTo(out);
                out.putInt(lengthAt, out.position() - lengthAt - 4);
                if (compressionAt >= 0 && compression != ((Number) values.get(BLOCK_COMPRESSION)).longValue()) {
                    out.putLong(compressionAt, compression);
                    List<Object> settled = new ArrayList<>(values);
                    settled.set(BLOCK_COMPRESSION, compression);
                    written = new JournalEntry(kind, sessionId, settled);
                }
            } else {
                put(out, v);
            }
        }
        return written;
    }

    private static void put(ByteBuffer out, Object v) {
        if (v == null) {
            out.put((byte) 0);
        } else if (v instanceof Number n) {
            out.put((byte) 1);
            out.putLong(n.longValue());
        } else if (v instanceof String t) {
            byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
            out.put((byte) 2);
            out.putInt(utf8.length);
            out.put(utf8);
        } else if (v instanceof byte[] b) {
            out.put((byte) 3);
            out.putInt(b.length);
            out.put(b);
        } else {
            throw new IllegalArgumentException("no journal form for " + v.getClass().getSimpleName());
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3; // a lone surrogate becomes '?' (1 byte) in getBytes: see below
                if (Character.isSurrogate(c)) {
                    n -= 2;
                }
            }
        }
        return n;
    }

    /** @throws IllegalArgumentException when the bytes are not an entry (a damaged record whose checksum matched) */
    static JournalEntry decode(ByteBuffer body) {
        try {
            Kind kind = Kind.of(body.get());
            long sessionId = body.getLong();
            int count = body.get() & 0xff;
            List<Object> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int tag = body.get();
                values.add(switch (tag) {
                    case 0 -> null;
                    case 1 -> body.getLong();
                    case 2 -> new String(bytes(body), StandardCharsets.UTF_8);
                    case 3 -> bytes(body);
                    default -> throw new IllegalArgumentException("unknown value tag " + tag);
                });
            }
            if (body.hasRemaining()) {
                throw new IllegalArgumentException(body.remaining() + " bytes after the last value");
            }
            return new JournalEntry(kind, sessionId, values);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the entry ends in the middle of a value", e);
        }
    }

    private static byte[] bytes(ByteBuffer body) {
        int length = body.getInt();
        if (length < 0 || length > body.remaining()) {
            throw new IllegalArgumentException("a value of " + length + " bytes in " + body.remaining());
        }
        byte[] out = new byte[length];
        body.get(out);
        return out;
    }
}
