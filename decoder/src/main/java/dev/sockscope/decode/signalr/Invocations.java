package dev.sockscope.decode.signalr;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import dev.sockscope.wire.Direction;

/**
 * What each peer has invoked and not seen completed: the targets of its invocation ids (a CancelInvocation is
 * labelled with the target it cancels) and of the streams it uploads ({@code streamIds}: it then sends their
 * StreamItems and Completion itself). Bounded: a peer that never completes cannot grow it past {@link #MAX}.
 */
final class Invocations {
    static final int MAX = 10_000;

    private final Map<Direction, Map<String, String>> invoked = new EnumMap<>(Direction.class);
    private final Map<Direction, Map<String, String>> uploads = new EnumMap<>(Direction.class);

    void invoked(Direction by, String id, String target) {
        put(invoked, by, id, target);
    }

    void uploads(Direction by, String streamId, String target) {
        put(uploads, by, streamId, target);
    }

    /** The target of the invocation {@code by} made with this id, or null. */
    String target(Direction by, String id) {
        Map<String, String> m = invoked.get(by);
        return m == null ? null : m.get(id);
    }

    /** The target whose upload stream {@code by} sends under this id, or null. */
    String upload(Direction by, String streamId) {
        Map<String, String> m = uploads.get(by);
        return m == null ? null : m.get(streamId);
    }

    void completed(Direction by, String id) {
        Map<String, String> m = invoked.get(by);
        if (m != null) {
            m.remove(id);
        }
    }

    void uploaded(Direction by, String streamId) {
        Map<String, String> m = uploads.get(by);
        if (m != null) {
            m.remove(streamId);
        }
    }

    private static void put(Map<Direction, Map<String, String>> maps, Direction by, String key, String target) {
        Map<String, String> m = maps.computeIfAbsent(by, d -> new HashMap<>());
        if (m.size() >= MAX) {
            m.clear();
        }
        m.put(key, target);
    }
}
