package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;

/**
 * The byte format of a frame block: consecutive frames of one session. Version 1:
 * <pre>
 *   byte    version (1)
 *   varint  frame count
 *   per frame:
 *     varlong seq, varlong time (µs since the epoch),
 *     byte    sender (high nibble: 0 client, 1 server) | type (low nibble: text 0, binary 1, ping 2, pong 3, close 4),
 *     varint  fragments,
 *     varint  note length + 1 (0: no note), note bytes (UTF-8),
 *     varint  payload length, payload bytes
 * </pre>
 * Version 2 (written since decoding, issue 3) is version 1's frame followed by its decoding:
 * <pre>
 *     byte    0: no decoding, 1: decoding follows
 *     string  protocol, string label, byte kind ({@link Kind#code()}), string summary,
 *     varlong correlatesWith + 1 (0: none), varlong latency µs + 1 (0: none),
 *     varint  warning count, strings
 *   where string = varint length in bytes, UTF-8 bytes
 * </pre>
 * Version 3 (written since the pass-through relay, issue 7) is version 2's frame and decoding followed by
 * how the frame looked on the wire ({@link WireShape}):
 * <pre>
 *     byte    0: not known, 1: wire shape follows
 *     byte    opcode (low nibble) | rsv bits (high nibble), byte flags (1 compressed, 2 masked),
 *     varlong wire bytes, varlong message bytes
 * </pre>
 * Version 4 (issue 9) is version 3 with a code before each warning's text:
 * <pre>
 *     varint  warning count, per warning: byte code ({@link Warning.Code#storageCode()}), string text
 * </pre>
 * Version 5 (large payloads outside H2, {@link PayloadFiles}) is version 4 with a flags byte after the version
 * (1: some text payload is outside the block, so the block's bytes cannot rule a text search out) and, after each
 * payload length, where the payload is:
 * <pre>
 *     varint  payload length, byte 0 and the payload bytes, or byte 1 and varlong offset in the session's payload file
 * </pre>
 * Version 6 (intercept, issue 17) is version 5 with, after the wire shape, where the frame came from and what became
 * of it ({@link Provenance}):
 * <pre>
 *     byte    0: from the wire and delivered at once, 1: provenance follows
 *     byte    origin (0 wire, 1 user-edited, 2 user-injected, 3 proxy, 4 rule), byte delivery (0 delivered, 1 dropped,
 *             2 not sent), varlong held µs,
 *     varint  original length + 1 (0: none), original bytes, byte original type (as the frame type's low nibble)
 * </pre>
 * Version 7 (rules, issue 18) is version 6 with, after a provenance that follows, who had a say and what was done
 * ({@link Provenance#by()}, {@link Provenance#effect()}: "rule slow-login", "delayed 250 ms"):
 * <pre>
 *     varint  length + 1 (0: none), UTF-8 bytes of by; the same for effect
 * </pre>
 * Never change a released version: add the next one beside it, so that old recordings stay readable.
 */
public final class FrameBlockCodec {
    static final int VERSION = 1;
    static final int VERSION_DECODED = 2;
    static final int VERSION_WIRE = 3;
    static final int VERSION_CODED = 4;
    static final int VERSION_EXTERNAL = 5;
    static final int VERSION_PROVENANCE = 6;
    static final int VERSION_RULES = 7;
    private static final int FLAG_EXTERNAL_TEXT = 1;
    private static final FrameType[] TYPES = {FrameType.TEXT, FrameType.BINARY, FrameType.PING, FrameType.PONG, FrameType.CLOSE};

    private FrameBlockCodec() {
    }

    public static byte[] encode(List<RecordedFrame> frames) {
        int estimate = 8;
        for (RecordedFrame f : frames) {
            estimate += f.payload().length + 32 + (f.note() == null ? 0 : f.note().length() * 3);
        }
        Bytes.Out out = new Bytes.Out(estimate);
        out.write(VERSION);
        out.varlong(frames.size());
        for (RecordedFrame f : frames) {
            writeFrame(out, f);
        }
        return out.toArray();
    }

    /** Appends one of the block's payloads to its session's payload file and says where it starts. */
    @FunctionalInterface
    interface PayloadSink {
        long append(byte[] payload) throws IOException;
    }

    /** Reads a payload back from the block's session's payload file. */
    @FunctionalInterface
    interface PayloadSource {
        byte[] read(long offset, int length) throws IOException;

        PayloadSource NONE = (offset, length) -> {
            throw new IOException("no payload files to read it from");
        };
    }

    /**
     * The current version (7) in an array of its own: frames with their decodings and wire shapes; payloads that
     * {@link PayloadFiles#external} are handed to {@code sink} and the block keeps where they went. The recorder of a
     * folder writes blocks without this array ({@link BlockBody}); the bytes are the same.
     */
    static byte[] encode(List<StoredFrame> frames, PayloadSink sink) throws IOException {
        long[] where = place(frames, sink);
        int estimate = 8;
        for (StoredFrame sf : frames) {
            RecordedFrame f = sf.frame();
            estimate += (PayloadFiles.external(f.payload()) ? 0 : f.payload().length) + 104
                    + (f.note() == null ? 0 : f.note().length() * 3)
                    + (sf.decoding() == null ? 0 : sf.decoding().summary().length() * 3);
        }
        Bytes.Out out = new Bytes.Out(estimate);
        write(out, frames, where);
        return out.toArray();
    }

    /** Hands each payload that {@link PayloadFiles#external} to {@code sink}, in order: where each went, -1 for the others. */
    static long[] place(List<StoredFrame> frames, PayloadSink sink) throws IOException {
        long[] where = new long[frames.size()];
        for (int i = 0; i < where.length; i++) {
            byte[] payload = frames.get(i).frame().payload();
            where[i] = PayloadFiles.external(payload) ? sink.append(payload) : -1;
        }
        return where;
    }

    /** The bytes {@link #write} writes. */
    static int size(List<StoredFrame> frames, long[] where) {
        Bytes.Count count = new Bytes.Count();
        write(count, frames, where);
        if (count.size() > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a frame block of " + count.size() + " bytes");
        }
        return (int) count.size();
    }

    /** The current version's block, its large payloads where {@link #place} put them ({@code where}). */
    static void write(Bytes.Sink out, List<StoredFrame> frames, long[] where) {
        out.write(VERSION_RULES);
        out.write(leavesOutText(frames, where) ? FLAG_EXTERNAL_TEXT : 0);
        out.varlong(frames.size());
        for (int i = 0; i < where.length; i++) {
            StoredFrame sf = frames.get(i);
            RecordedFrame f = sf.frame();
            writeFrameHead(out, f);
            out.varlong(f.payload().length);
            if (where[i] >= 0) {
                out.write(1);
                out.varlong(where[i]);
            } else {
                out.write(0);
                out.write(f.payload());
            }
            writeDecoding(out, sf.decoding());
            writeWire(out, f.wire());
            writeProvenance(out, f.provenance());
        }
    }

    /** Whether a block of these frames leaves a text payload out ({@link #leavesOutText(byte[])}). */
    static boolean leavesOutText(List<StoredFrame> frames, long[] where) {
        for (int i = 0; i < where.length; i++) {
            if (where[i] >= 0 && frames.get(i).frame().type() != FrameType.BINARY) {
                return true;
            }
        }
        return false;
    }

    /** Whether a block's (inflated) bytes leave out a text payload, so that they cannot rule out a text search. */
    static boolean leavesOutText(byte[] block) {
        return block.length > 1 && block[0] >= VERSION_EXTERNAL && (block[1] & FLAG_EXTERNAL_TEXT) != 0;
    }

    private static void writeWire(Bytes.Sink out, WireShape w) {
        if (w == null) {
            out.write(0);
            return;
        }
        out.write(1);
        out.write((w.opcode() & 0x0F) | ((w.rsv() & 0x07) << 4));
        out.write((w.compressed() ? 1 : 0) | (w.masked() ? 2 : 0));
        out.varlong(w.wireBytes());
        out.varlong(w.messageBytes());
    }

    private static void writeProvenance(Bytes.Sink out, Provenance p) {
        if (p == null) {
            out.write(0);
            return;
        }
        out.write(1);
        out.write(p.origin().ordinal());
        out.write(p.delivery().ordinal());
        out.varlong(p.heldMicros());
        if (p.original() == null) {
            out.varlong(0);
        } else {
            out.varlong(p.original().length + 1L);
            out.write(p.original());
            out.write(typeCode(p.originalType() == null ? FrameType.BINARY : p.originalType()));
        }
        out.optionalString(p.by());
        out.optionalString(p.effect());
    }

    private static String optionalString(Bytes.In in) {
        int length = (int) in.varlong();
        return length == 0 ? null : new String(in.bytes(length - 1), StandardCharsets.UTF_8);
    }

    private static Provenance readProvenance(Bytes.In in, int version) {
        if (in.read() == 0) {
            return null;
        }
        Provenance.Origin origin = Provenance.Origin.values()[in.read()];
        Provenance.Delivery delivery = Provenance.Delivery.values()[in.read()];
        long held = in.varlong();
        int length = (int) in.varlong();
        byte[] original = null;
        FrameType originalType = null;
        if (length > 0) {
            original = in.bytes(length - 1);
            originalType = TYPES[in.read() & 0x0F];
        }
        if (version < VERSION_RULES) {
            return new Provenance(origin, delivery, held, original, originalType);
        }
        String by = optionalString(in);
        return new Provenance(origin, delivery, held, original, originalType, by, optionalString(in));
    }

    private static void writeDecoding(Bytes.Sink out, FrameDecoding d) {
            if (d == null) {
                out.write(0);
                return;
            }
            out.write(1);
            out.string(d.protocol());
            out.string(d.label());
            out.write(d.kind().code());
            out.string(d.summary());
            out.varlong(d.correlatesWith() == null ? 0 : d.correlatesWith() + 1);
            out.varlong(d.latencyMicros() == null ? 0 : d.latencyMicros() + 1);
            out.varlong(d.warnings().size());
            for (Warning w : d.warnings()) {
                out.write(w.code().storageCode());
                out.string(w.text());
            }
    }

    private static void writeFrame(Bytes.Out out, RecordedFrame f) {
        writeFrameHead(out, f);
        out.varlong(f.payload().length);
        out.write(f.payload());
    }

    /** A frame up to its payload: seq, time, sender and type, fragments, note. */
    private static void writeFrameHead(Bytes.Sink out, RecordedFrame f) {
        out.varlong(f.seq());
        out.varlong(f.timeMicros());
        out.write((f.from() == Direction.CLIENT_TO_SERVER ? 0 : 0x10) | typeCode(f.type()));
        out.varlong(f.fragments());
        out.optionalString(f.note());
    }

    /** Reads a block of a version before 5, or of version 5 whose payloads are all inside it. */
    public static List<StoredFrame> decode(long sessionId, byte[] data) {
        return decode(sessionId, data, PayloadSource.NONE);
    }

    /**
     * Reads a block of any version; frames of version 1 have no decoding, warnings before version 4 no code. A payload
     * that cannot be read from {@code payloads} is empty, and the frame's note says what is missing.
     */
    static List<StoredFrame> decode(long sessionId, byte[] data, PayloadSource payloads) {
        Bytes.In in = new Bytes.In(data, "frame block");
        int version = in.read();
        if (version < VERSION || version > VERSION_RULES) {
            throw new IllegalArgumentException("frame block version " + version + " is newer than this Sockscope understands");
        }
        if (version >= VERSION_EXTERNAL) {
            in.read(); // flags: for searches, see leavesOutText
        }
        int count = (int) in.varlong();
        List<StoredFrame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = in.varlong();
            long time = in.varlong();
            int kind = in.read();
            Direction from = (kind & 0xF0) == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            FrameType type = TYPES[kind & 0x0F];
            int fragments = (int) in.varlong();
            int noteLength = (int) in.varlong();
            String note = noteLength == 0 ? null : new String(in.bytes(noteLength - 1), StandardCharsets.UTF_8);
            int length = (int) in.varlong();
            byte[] payload;
            if (version < VERSION_EXTERNAL || in.read() == 0) {
                payload = in.bytes(length);
            } else {
                long offset = in.varlong();
                try {
                    payload = payloads.read(offset, length);
                } catch (IOException e) {
                    payload = new byte[0];
                    String missing = "payload of " + length + " bytes not readable: " + e.getMessage();
                    note = note == null ? missing : note + "; " + missing;
                }
            }
            FrameDecoding decoding = null;
            if (version >= VERSION_DECODED && in.read() == 1) {
                String protocol = in.string();
                String label = in.string();
                int kindCode = in.read();
                String summary = in.string();
                long correlates = in.varlong();
                long latency = in.varlong();
                int warningCount = (int) in.varlong();
                List<Warning> warnings = new ArrayList<>(warningCount);
                for (int w = 0; w < warningCount; w++) {
                    Warning.Code code = version >= VERSION_CODED ? Warning.Code.fromStorage(in.read()) : Warning.Code.UNCODED;
                    warnings.add(new Warning(code, in.string()));
                }
                decoding = new FrameDecoding(protocol, label, Kind.fromCode(kindCode), summary,
                        correlates == 0 ? null : correlates - 1, latency == 0 ? null : latency - 1, warnings);
            }
            WireShape wire = null;
            if (version >= VERSION_WIRE && in.read() == 1) {
                int codes = in.read();
                int flags = in.read();
                wire = new WireShape(codes & 0x0F, (codes >> 4) & 0x07, in.varlong(), in.varlong(), (flags & 1) != 0, (flags & 2) != 0);
            }
            Provenance provenance = version >= VERSION_PROVENANCE ? readProvenance(in, version) : null;
            RecordedFrame frame = new RecordedFrame(sessionId, seq, time, from, type, payload, fragments, note, wire, provenance);
            frames.add(new StoredFrame(frame, decoding));
        }
        return frames;
    }

    static int typeCode(FrameType t) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException(String.valueOf(t));
    }
}
