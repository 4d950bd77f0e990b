package dev.sockscope.decode.socketio;

import java.util.HashMap;
import java.util.Map;

import dev.sockscope.wire.Direction;

/**
 * The event names of the acks each peer waits for, per namespace and id: a BINARY_ACK's attachments are labelled with
 * the event they answer, as the ack itself is. Bounded: a peer that never acks cannot grow it past {@link #MAX}.
 */
final class AckLabels {
    static final int MAX = 10_000;

    private final Map<String, String> open = new HashMap<>();

    void opened(Direction requester, String namespace, long id, String label) {
        if (open.size() >= MAX) {
            open.clear();
        }
        open.put(key(requester, namespace, id), label);
    }

    /** The label of the event an ack sent by {@code answerer} answers, or {@code otherwise}. */
    String answered(Direction answerer, String namespace, long id, String otherwise) {
        String label = open.remove(key(answerer.reverse(), namespace, id));
        return label == null ? otherwise : label;
    }

    private static String key(Direction requester, String namespace, long id) {
        return requester.sender() + ' ' + namespace + ' ' + id;
    }
}
