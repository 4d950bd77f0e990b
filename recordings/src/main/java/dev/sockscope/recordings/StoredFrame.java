package dev.sockscope.recordings;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame as the recording holds it: what crossed the wire (secret fields masked unless the user kept them) and
 * what the decoder made of it (null in recordings made before decoding existed).
 */
public record StoredFrame(RecordedFrame frame, FrameDecoding decoding) {
    public long seq() {
        return frame.seq();
    }
}
