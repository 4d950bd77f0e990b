package dev.sockscope.decode;

import java.util.List;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.RecordedFrame;

/**
 * What {@code replay} and {@code mock} need from a protocol beyond its decodings: which fields differ from run to run,
 * and how a recorded answer is addressed to a live request. Field patterns apply to the frame's tree
 * ({@link Trees}): for a JSON protocol its JSON, for others the tree its decoder builds.
 */
public interface Scripting {
    /** Nothing volatile, nothing to rewrite. */
    Scripting NONE = new Scripting() {
    };

    /**
     * Fields whose values change from run to run (times, ids the server gives, renumbered sequence numbers): replay
     * does not compare them, and mock ignores them when it matches a live request to a recorded one.
     */
    default List<FieldPattern> volatileFields() {
        return List.of();
    }

    /** Fields that hold correlation keys: mock ignores them when it matches a live request (a renumbered request is the same). */
    default List<FieldPattern> keyFields() {
        return List.of();
    }

    /**
     * The payload to send for a recorded answer so that it answers a live request: its correlation key set to the live
     * request's (a MAX answer carries the live {@code seq}, a Socket.IO ack the live ack id). The recorded payload, the
     * default, when the protocol pairs nothing or the frames hold no key. Never throws.
     */
    default byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
        return answer.payload();
    }
}
