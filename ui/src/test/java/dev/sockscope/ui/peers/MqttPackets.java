package dev.sockscope.ui.peers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * The MQTT packets in one direction of a recorded session: the binary messages joined into one byte stream and cut
 * at each fixed header's remaining length (MQTT over WebSocket is a byte stream; libraries split packets across
 * messages as they please). Only for assertions about what crossed; decoding is the decoder module's.
 */
final class MqttPackets {
    /** A packet: its first byte (type and flags) and its whole bytes. */
    record Packet(int header, byte[] bytes) {
        int type() {
            return header >> 4;
        }
    }

    private MqttPackets() {
    }

    static byte[] stream(List<RecordedFrame> frames, Direction from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.stream().filter(f -> f.from() == from && f.type() == FrameType.BINARY)
                .forEach(f -> out.writeBytes(f.payload()));
        return out.toByteArray();
    }

    /** The whole packets of the stream; fails when it ends inside one. */
    static List<Packet> packets(byte[] stream) {
        List<Packet> packets = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int start = i;
            int header = stream[i++] & 0xFF;
            int length = 0;
            int shift = 0;
            int b;
            do {
                if (i >= stream.length) {
                    throw new AssertionError("the stream ends inside the remaining length of the packet at " + start);
                }
                b = stream[i++] & 0xFF;
                length |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (i + length > stream.length) {
                throw new AssertionError("the stream ends inside the packet at " + start + " (" + length + " bytes announced)");
            }
            i += length;
            packets.add(new Packet(header, java.util.Arrays.copyOfRange(stream, start, i)));
        }
        return packets;
    }
}
