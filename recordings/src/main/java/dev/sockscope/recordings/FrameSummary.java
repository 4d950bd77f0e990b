package dev.sockscope.recordings;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * What filters and statistics need of a frame, without its payload or summary: the entry of a block's index, so that
 * a search over a million frames reads a few bytes per frame instead of decoding every block.
 *
 * @param protocol null (with label and kind) when the frame has no decoding (recordings made before decoding)
 * @param warned   whether the relay noted something about it or the decoder warned
 */
public record FrameSummary(long seq, long timeMicros, Direction from, FrameType type, int size, String protocol,
                           String label, Kind kind, Long correlatesWith, Long latencyMicros, boolean warned) {

    public static FrameSummary of(StoredFrame sf) {
        RecordedFrame f = sf.frame();
        FrameDecoding d = sf.decoding();
        boolean warned = f.note() != null || (d != null && !d.warnings().isEmpty());
        return new FrameSummary(f.seq(), f.timeMicros(), f.from(), f.type(), f.size(),
                d == null ? null : d.protocol(), d == null ? null : d.label(), d == null ? null : d.kind(),
                d == null ? null : d.correlatesWith(), d == null ? null : d.latencyMicros(), warned);
    }
}
