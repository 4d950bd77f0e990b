package dev.sockscope.wire;

/**
 * How a recorded frame looked on the wire, as the pass-through relay's tap parsed it before unmasking and
 * inflating. Recordings made by the terminating relay (or before it existed) have none.
 *
 * @param opcode       the first frame's opcode as sent, 0x0–0xF (reserved opcodes included)
 * @param rsv          the first frame's RSV bits: 4 = RSV1, 2 = RSV2, 1 = RSV3
 * @param wireBytes    payload bytes on the wire over all fragments (compressed, when it was)
 * @param messageBytes the message's full size after inflating; larger than the recorded payload when the
 *                     recording of this message was cut at the recording limit
 * @param compressed   whether permessage-deflate compressed it (RSV1 on a negotiated session)
 * @param masked       whether it was masked (RFC 6455: client frames must be, server frames must not)
 */
public record WireShape(int opcode, int rsv, long wireBytes, long messageBytes, boolean compressed, boolean masked) {
}
