package dev.sockscope.recordings;

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
        Bytes.Out out = new Bytes.Out(16 + frames.size() * 14);
        out.write(VERSION);
        strings(out, protocols.keySet());
        strings(out, labels.keySet());
        out.varlong(frames.size());
        long seq = 0;
        long time = 0;
        for (FrameSummary s : frames) {
            out.varlong(s.seq() - seq);
            long dt = s.timeMicros() - time;
            out.varlong((dt << 1) ^ (dt >> 63));
            seq = s.seq();
            time = s.timeMicros();
            boolean decoded = s.kind() != null;
            out.write((s.from() == Direction.CLIENT_TO_SERVER ? 0 : 0x10) | typeCode(s.type())
                    | (s.warned() ? 0x20 : 0) | (decoded ? 0x40 : 0));
            out.varlong(s.size());
            if (decoded) {
                out.varlong(protocols.get(s.protocol()));
                out.varlong(labels.get(s.label()));
                out.write(s.kind().code());
                out.varlong(s.correlatesWith() == null ? 0 : s.seq() - s.correlatesWith());
                out.varlong(s.latencyMicros() == null ? 0 : s.latencyMicros() + 1);
            }
        }
        return out.toArray();
    }

    static List<FrameSummary> decode(byte[] data) {
        Bytes.In in = new Bytes.In(data, "block index");
        if (in.read() != VERSION) {
            throw new IllegalArgumentException("block index version " + (data[0] & 0xFF) + " is newer than this Sockscope understands");
        }
        String[] protocols = strings(in);
        String[] labels = strings(in);
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

    private static void strings(Bytes.Out out, Iterable<String> values) {
        List<String> all = new ArrayList<>();
        values.forEach(all::add);
        out.varlong(all.size());
        all.forEach(out::string);
    }

    private static String[] strings(Bytes.In in) {
        String[] out = new String[(int) in.varlong()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.string();
        }
        return out;
    }
}
