package dev.sockscope.recordings;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The byte primitives of the stored formats (frame blocks, block index): bytes, LEB128 varints, UTF-8 strings. */
final class Bytes {
    private Bytes() {
    }

    /**
     * Where an encoder writes: a growing array ({@link Out}), a buffer that is written as it is ({@link BufferOut}: the
     * journal's, so that a frame block's payloads are copied once on their way to the file), or nowhere ({@link Count}:
     * the size first, so that the buffer is big enough and the compressor's choice is the one it made on the array).
     */
    abstract static class Sink {
        abstract void write(int b);

        abstract void write(byte[] b);

        void varlong(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        /** The string as a varint length and its UTF-8 bytes, exactly as {@code getBytes(UTF_8)} makes them. */
        void string(String s) {
            varlong(Out.utf8Length(s));
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    write(c);
                } else if (c < 0x800) {
                    write(0xC0 | c >> 6);
                    write(0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    write(0xF0 | cp >> 18);
                    write(0x80 | cp >> 12 & 0x3F);
                    write(0x80 | cp >> 6 & 0x3F);
                    write(0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    write('?');
                } else {
                    write(0xE0 | c >> 12);
                    write(0x80 | c >> 6 & 0x3F);
                    write(0x80 | c & 0x3F);
                }
            }
        }

        /** A string that may be missing (notes, who had a say): varint length + 1 (0: none), then its UTF-8 bytes. */
        void optionalString(String s) {
            if (s == null) {
                varlong(0);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                varlong(b.length + 1L);
                write(b);
            }
        }
    }

    /** Counts what would be written. */
    static final class Count extends Sink {
        private long size;

        @Override
        void write(int b) {
            size++;
        }

        @Override
        void write(byte[] b) {
            size += b.length;
        }

        @Override
        void varlong(long v) {
            size += (64 - Long.numberOfLeadingZeros(v | 1) + 6) / 7;
        }

        @Override
        void string(String s) {
            int utf8 = Out.utf8Length(s);
            varlong(utf8);
            size += utf8;
        }

        @Override
        void optionalString(String s) {
            if (s == null) {
                size++;
            } else {
                int utf8 = Out.utf8Length(s);
                varlong(utf8 + 1L);
                size += utf8;
            }
        }

        long size() {
            return size;
        }
    }

    /** Writes at a buffer's position (heap or direct); the caller makes the room ({@link Count}). */
    static final class BufferOut extends Sink {
        private final ByteBuffer buf;

        BufferOut(ByteBuffer buf) {
            this.buf = buf;
        }

        @Override
        void write(int b) {
            buf.put((byte) b);
        }

        @Override
        void write(byte[] b) {
            buf.put(b);
        }
    }

    /** A growing buffer to write into. */
    static final class Out extends Sink {
        private byte[] buf;
        private int len;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(len + extra, buf.length * 2));
            }
        }

        @Override
        void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        @Override
        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        @Override
        void varlong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        /**
         * The string as a varint length and its UTF-8 bytes, encoded straight into the buffer: every frame's protocol,
         * label and summary passes here, and {@code getBytes} made an array per string (and a slow pass for the
         * non-Latin-1 "…" of a hex summary). Bytes exactly as {@code getBytes(UTF_8)} makes them (a lone surrogate is '?').
         */
        @Override
        void string(String s) {
            int n = s.length();
            int start = len;
            varlong(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    len = start; // not ASCII (a hex summary's "…"): measured, then written
                    utf8(s);
                    return;
                }
                buf[len++] = (byte) c;
            }
        }

        private void utf8(String s) {
            int n = s.length();
            int utf8 = utf8Length(s);
            varlong(utf8);
            ensure(utf8);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    buf[len++] = (byte) c;
                } else if (c < 0x800) {
                    buf[len++] = (byte) (0xC0 | c >> 6);
                    buf[len++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[len++] = (byte) (0xF0 | cp >> 18);
                    buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    buf[len++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    buf[len++] = '?';
                } else {
                    buf[len++] = (byte) (0xE0 | c >> 12);
                    buf[len++] = (byte) (0x80 | c >> 6 & 0x3F);
                    buf[len++] = (byte) (0x80 | c & 0x3F);
                }
            }
        }

        /** The length {@link #string} writes: 1 to 3 bytes a char, 4 for a surrogate pair, 1 for a lone surrogate. */
        static int utf8Length(String s) {
            int n = s.length();
            int bytes = n;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    if (c < 0x800) {
                        bytes += 1;
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        bytes += 2; // 4 bytes for two chars
                        i++;
                    } else if (!Character.isSurrogate(c)) {
                        bytes += 2;
                    }
                }
            }
            return bytes;
        }

        byte[] toArray() {
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }

    /** A reader that names what it reads ("frame block", "block index") when the bytes are truncated or malformed. */
    static final class In {
        private final byte[] buf;
        private final String what;
        private int pos;

        In(byte[] buf, String what) {
            this.buf = buf;
            this.what = what;
        }

        int read() {
            if (pos >= buf.length) {
                throw new IllegalArgumentException(what + " is truncated");
            }
            return buf[pos++] & 0xFF;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException(what + " has a malformed number");
        }

        String string() {
            int n = (int) varlong();
            check(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        byte[] bytes(int n) {
            check(n);
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        private void check(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalArgumentException(what + " is truncated");
            }
        }
    }
}
