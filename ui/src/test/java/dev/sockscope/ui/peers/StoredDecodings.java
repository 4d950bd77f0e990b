package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;

/** Finding stored frames by their decoding, and asserting how they pair (the peers tests' decoding assertions). */
final class StoredDecodings {
    private StoredDecodings() {
    }

    static String label(StoredFrame f) {
        return f.decoding() == null ? "" : f.decoding().label();
    }

    /** The one frame with this label; fails when there are none or several. */
    static StoredFrame one(List<StoredFrame> frames, String label) {
        List<StoredFrame> found = frames.stream().filter(f -> label(f).equals(label)).toList();
        assertThat(found).as("frames labelled %s", label).hasSize(1);
        return found.get(0);
    }

    static StoredFrame one(List<StoredFrame> frames, String label, Direction from) {
        List<StoredFrame> found = frames.stream().filter(f -> label(f).equals(label) && f.frame().from() == from).toList();
        assertThat(found).as("frames labelled %s from %s", label, from).hasSize(1);
        return found.get(0);
    }

    /** The answer comes from the other peer, points at its request with a latency, and has the kind given. */
    static void assertAnswers(StoredFrame answer, StoredFrame request, Kind kind) {
        FrameDecoding d = answer.decoding();
        assertThat(d.correlatesWith()).as("%s answers %s", d.label(), request.decoding().label()).isEqualTo(request.seq());
        assertThat(d.latencyMicros()).as("latency of %s", d.label()).isNotNull().isGreaterThanOrEqualTo(0L);
        assertThat(d.kind()).as("kind of %s", d.label()).isEqualTo(kind);
        assertThat(answer.frame().from()).isNotEqualTo(request.frame().from());
    }
}
