package dev.sockscope.decode.mqtt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.sockscope.wire.Direction;

/**
 * One direction's byte stream of MQTT packets, reassembled across WebSocket messages: libraries split a packet over
 * as many messages as they like (mqtt.js sends each field of a CONNECT alone) or put several packets in one. Each
 * frame's bytes come out as {@link Piece}s: whole packets (parsed), the packet still being reassembled, bytes skipped.
 *
 * <p>A stream starts unsynchronised: a reader opened on stored frames from the middle of a session (the inspector's
 * tree of one frame) may begin inside a packet. Until a first whole packet parses, each frame from the first one on is
 * a candidate packet start, and a candidate whose bytes break the spec is dropped for the next. Garbage later on
 * (bytes that cannot start a packet) skips the rest of the frame and starts this search again at the next frame.
 */
final class PacketStream {
    /** Declared packet lengths above this are not reassembled (counted and skipped): a bound on memory per session. */
    static final int MAX_PACKET = 16 << 20;
    /** Frames kept as candidate starts while unsynchronised. */
    private static final int MAX_CANDIDATES = 256;

    /** What part of a frame's bytes is. {@code offset} is where the packet's first byte is in the frame (negative: earlier). */
    sealed interface Piece {
    }

    /** A whole packet, its bytes and what they parse as. */
    record Whole(byte[] bytes, int offset, PacketParser.Parsed parsed) implements Piece {
    }

    /**
     * The packet still being reassembled when the frame ends: its type, the bytes so far, and its total length
     * ({@code -1} while its remaining length has not all arrived). {@code soFar} holds the bytes of a CONNECT only.
     */
    record Part(PacketType type, int have, int total, int offset, byte[] soFar) implements Piece {
    }

    /** A packet too large to reassemble: passed over; {@code done} when its last byte is in this frame. */
    record Oversized(PacketType type, long total, boolean done) implements Piece {
    }

    /** Bytes {@code [from, frame end)} that cannot start a packet: skipped. */
    record Garbage(int from, int skipped, String reason) implements Piece {
    }

    private final Direction from;
    private final int[] level;
    private byte[] buf = new byte[64];
    private int len;
    private long skipping;
    private PacketType skippingType;
    private long skippingTotal;
    private boolean synced;
    /** While unsynchronised: the frames since the current candidate start, oldest first. */
    private final List<byte[]> candidates = new ArrayList<>();

    /** @param level the session's protocol level, {@code level[0]} (0 until known), shared with the other direction (a CONNECT sets it) */
    PacketStream(Direction from, int[] level) {
        this.from = from;
        this.level = level;
    }

    /** The frame's pieces, in order. */
    List<Piece> feed(byte[] payload) {
        if (synced) {
            List<Piece> pieces = cut(payload);
            if (pieces.stream().anyMatch(p -> p instanceof Garbage)) {
                synced = false;
                reset();
            }
            return pieces;
        }
        candidates.add(payload);
        if (candidates.size() > 1) {
            // The buffers hold the current candidate's reading up to the frame before: read on.
            List<Piece> pieces = cut(payload);
            if (valid(pieces)) {
                return settle(pieces);
            }
            candidates.remove(0);
        }
        while (!candidates.isEmpty()) {
            reset();
            boolean ok = true;
            for (int i = 0; i < candidates.size() - 1 && ok; i++) {
                ok = valid(cut(candidates.get(i)));
            }
            if (ok) {
                List<Piece> pieces = cut(payload);
                if (valid(pieces)) {
                    return settle(pieces);
                }
            }
            candidates.remove(0);
        }
        reset();
        return List.of(new Garbage(0, payload.length, "not at the start of an MQTT packet (the packet it belongs to began before the frames read)"));
    }

    /** Synchronised once a whole packet has parsed from the candidate start. */
    private List<Piece> settle(List<Piece> pieces) {
        if (pieces.stream().anyMatch(p -> p instanceof Whole) || candidates.size() > MAX_CANDIDATES) {
            synced = true;
            candidates.clear();
        }
        return pieces;
    }

    private static boolean valid(List<Piece> pieces) {
        for (Piece p : pieces) {
            if (p instanceof Garbage || p instanceof Whole w && w.parsed() instanceof PacketParser.Bad) {
                return false;
            }
        }
        return true;
    }

    private void reset() {
        len = 0;
        skipping = 0;
    }

    /** Appends the frame to the packet being reassembled and cuts out whatever is whole. */
    private List<Piece> cut(byte[] payload) {
        List<Piece> pieces = new ArrayList<>(2);
        int pos = 0;
        if (skipping > 0) {
            int take = (int) Math.min(skipping, payload.length);
            skipping -= take;
            pos = take;
            pieces.add(new Oversized(skippingType, skippingTotal, skipping == 0));
        }
        int lenBefore = len;
        append(payload, pos);
        int shift = pos - lenBefore; // frame offset of buf[q] is q + shift
        int p = 0;
        while (p < len) {
            int header = buf[p] & 0xFF;
            String problem = PacketType.problem(header, from);
            if (problem != null) {
                return garbage(pieces, p, shift, problem);
            }
            PacketType type = PacketType.of(header);
            int remaining = 0;
            int i = p + 1;
            boolean lengthKnown = false;
            for (int k = 0; k < 4 && i < len; k++) {
                int b = buf[i++] & 0xFF;
                remaining |= (b & 0x7F) << (7 * k);
                if ((b & 0x80) == 0) {
                    lengthKnown = true;
                    break;
                }
                if (k == 3) {
                    return garbage(pieces, p, shift, "a remaining length longer than 4 bytes");
                }
            }
            if (!lengthKnown) {
                pieces.add(new Part(type, len - p, -1, p + shift, type == PacketType.CONNECT ? Arrays.copyOfRange(buf, p, len) : null));
                break;
            }
            long total = (long) (i - p) + remaining;
            if (remaining > MAX_PACKET) {
                long have = len - p;
                if (have >= total) {
                    pieces.add(new Oversized(type, total, true));
                    p += (int) total;
                    continue;
                }
                skipping = total - have;
                skippingType = type;
                skippingTotal = total;
                pieces.add(new Oversized(type, total, false));
                p = len;
                break;
            }
            if (len - p >= total) {
                byte[] packet = Arrays.copyOfRange(buf, p, p + (int) total);
                pieces.add(new Whole(packet, p + shift, parse(packet)));
                p += (int) total;
            } else {
                pieces.add(new Part(type, len - p, (int) total, p + shift, type == PacketType.CONNECT ? Arrays.copyOfRange(buf, p, len) : null));
                break;
            }
        }
        System.arraycopy(buf, p, buf, 0, len - p);
        len -= p;
        return pieces;
    }

    /**
     * The packet parsed at the session's level. Before a CONNECT is seen (level 0: a stored frame's tree read from a
     * window without it), 3.1.1 is assumed until a packet only MQTT 5 can make (a PUBACK with a reason code, a CONNACK
     * with properties) says otherwise.
     */
    private PacketParser.Parsed parse(byte[] packet) {
        int known = level[0];
        PacketParser.Parsed parsed = PacketParser.parse(packet, 0, packet.length, known == 0 ? 4 : known);
        if (parsed instanceof PacketParser.Ok ok && ok.packet() instanceof MqttPacket.Connect c) {
            level[0] = c.level();
        } else if (known == 0 && parsed instanceof PacketParser.Bad && PacketParser.parse(packet, 0, packet.length, 5) instanceof PacketParser.Ok v5) {
            level[0] = 5;
            return v5;
        }
        return parsed;
    }

    private List<Piece> garbage(List<Piece> pieces, int p, int shift, String problem) {
        int from = Math.max(0, p + shift);
        pieces.add(new Garbage(from, len - p, problem));
        len = 0;
        return pieces;
    }

    private void append(byte[] payload, int from) {
        int n = payload.length - from;
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(payload, from, buf, len, n);
        len += n;
    }
}
