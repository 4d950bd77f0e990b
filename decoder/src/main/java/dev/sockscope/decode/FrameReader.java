package dev.sockscope.decode;

/**
 * Reads the frames of one session, in order, for one {@link ProtocolDecoder}: the per-session state of a protocol (a
 * byte stream being reassembled, binary attachments awaited, open streams). Called on one thread at a time.
 */
@FunctionalInterface
public interface FrameReader {
    /**
     * What the frame is. Every frame of the session comes here once, control frames included (a protocol that has
     * nothing to say about ping, pong and close answers {@link DecodeResult.NotMine}). Must not throw; a throw costs the
     * frame its label (see {@link ProtocolDecoder}), and the next frame comes here all the same.
     */
    DecodeResult read(FrameInput frame);
}
