package dev.sockscope.recordings;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sockscope.decode.Kind;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * The byte format of a block's index (table {@code block_index}, column {@code entries}): one {@link FrameSummary} per
 * frame, about a dozen bytes each, so that filters and statistics over a million frames read some 12 MB rather than
 * inflate and decode every block. Version 1:
 * <pre>
 *   byte    version (1)
 *   varint  protocol count, strings; varint label count, strings (each distinct value of the block once)
 *   varint  frame count
 *   per frame:
 *     varlong seq - previous seq (the first: seq itself), varlong zigzag(time - previous time, the first: time itself),
 *     byte    sender (0x10 server) | type (low nibble, as in FrameBlockCodec) | 0x20 warned | 0x40 decoded,
 *     varint  size,
 *     when decoded: varint protocol index, varint label index, byte kind code,
 *                   varlong seq - correlatesWith (0: none), varlong latency µs + 1 (0: none)
 *   where string = varint length in bytes, UTF-8 bytes
 * </pre>
 * Never change a released version: add the next one beside it.
 */
final class BlockIndexCodec {
    static final int VERSION = 1;
    private static final FrameType[] TYPES = {FrameType.TEXT, FrameType.BINARY, FrameType.PING, FrameType.PONG, FrameType.CLOSE};

    private BlockIndexCodec() {
    }

    static byte[] encode(List<FrameSummary> frames) {
        Map<String, Integer> protocols = new LinkedHashMap<>();
        Map<String, Integer> labels = new LinkedHashMap<>();
        for (FrameSummary s : frames) {
            if (s.kind() != null) {
                protocols.putIfAbsent(s.protocol(), protocols.size());
                labels.putIfAbsent(s.label(), labels.size());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + frames.size() * 14);
        out.write(VERSION);
        strings(out, protocols.keySet());
        strings(out, labels.keySet());
        varlong(out, frames.size());
        long seq = 0;
        long time = 0;
        for (FrameSummary s : frames) {
            varlong(out, s.seq() - seq);
            long dt = s.timeMicros() - time;
            varlong(out, (dt << 1) ^ (dt >> 63));
            seq = s.seq();
            time = s.timeMicros();
            boolean decoded = s.kind() != null;
            out.write((s.from() == Direction.CLIENT_TO_SERVER ? 0 : 0x10) | typeCode(s.type())
                    | (s.warned() ? 0x20 : 0) | (decoded ? 0x40 : 0));
            varlong(out, s.size());
            if (decoded) {
                varlong(out, protocols.get(s.protocol()));
                varlong(out, labels.get(s.label()));
                out.write(s.kind().code());
                varlong(out, s.correlatesWith() == null ? 0 : s.seq() - s.correlatesWith());
                varlong(out, s.latencyMicros() == null ? 0 : s.latencyMicros() + 1);
            }
        }
        return out.toByteArray();
    }

    static List<FrameSummary> decode(byte[] data) {
        In in = new In(data);
        if (in.read() != VERSION) {
            throw new IllegalArgumentException("block index version " + (data[0] & 0xFF) + " is newer than this Sockscope understands");
        }
        String[] protocols = in.strings();
        String[] labels = in.strings();
        int count = (int) in.varlong();
        List<FrameSummary> out = new ArrayList<>(count);
        long seq = 0;
        long time = 0;
        for (int i = 0; i < count; i++) {
            seq += in.varlong();
            long z = in.varlong();
            time += (z >>> 1) ^ -(z & 1);
            int flags = in.read();
            int size = (int) in.varlong();
            String protocol = null;
            String label = null;
            Kind kind = null;
            Long correlates = null;
            Long latency = null;
            if ((flags & 0x40) != 0) {
                protocol = protocols[(int) in.varlong()];
                label = labels[(int) in.varlong()];
                kind = Kind.fromCode(in.read());
                long back = in.varlong();
                correlates = back == 0 ? null : seq - back;
                long l = in.varlong();
                latency = l == 0 ? null : l - 1;
            }
            out.add(new FrameSummary(seq, time, (flags & 0x10) == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                    TYPES[flags & 0x0F], size, protocol, label, kind, correlates, latency, (flags & 0x20) != 0));
        }
        return out;
    }

    private static int typeCode(FrameType t) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException(String.valueOf(t));
    }

    private static void strings(ByteArrayOutputStream out, Iterable<String> values) {
        List<byte[]> all = new ArrayList<>();
        values.forEach(v -> all.add(v.getBytes(StandardCharsets.UTF_8)));
        varlong(out, all.size());
        for (byte[] b : all) {
            varlong(out, b.length);
            out.writeBytes(b);
        }
    }

    private static void varlong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        int read() {
            if (pos >= buf.length) {
                throw new IllegalArgumentException("block index is truncated");
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
            throw new IllegalArgumentException("block index has a malformed number");
        }

        String[] strings() {
            String[] out = new String[(int) varlong()];
            for (int i = 0; i < out.length; i++) {
                int n = (int) varlong();
                if (n < 0 || pos + n > buf.length) {
                    throw new IllegalArgumentException("block index is truncated");
                }
                out[i] = new String(buf, pos, n, StandardCharsets.UTF_8);
                pos += n;
            }
            return out;
        }
    }
}
