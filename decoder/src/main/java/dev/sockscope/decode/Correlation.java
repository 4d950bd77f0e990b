package dev.sockscope.decode;

/**
 * What a frame asks or answers, as its decoder says; the session's {@link Correlator} pairs frames by them. A frame may
 * carry several (a JSON-RPC batch, two SignalR records, a STOMP SUBSCRIBE with a receipt, an MQTT PUBREC that answers
 * a PUBLISH and asks for a PUBREL).
 *
 * <p>Keys live in a {@code scope} ({@code ""} for a protocol with one kind of key; a Socket.IO namespace, {@code
 * "receipt"} beside {@code "subscription"} for STOMP), and requests come from either peer: an answer pairs with the
 * oldest open request of the same scope and key sent by the <em>other</em> peer. A frame that answers points at its
 * request ({@link FrameDecoding#correlatesWith()}, with the latency since it), also when it is the tenth item of a
 * stream: every item of a stream points at the frame that opened it.
 */
public sealed interface Correlation permits Correlation.Request, Correlation.Answer, Correlation.Cancel {

    String scope();

    String key();

    /**
     * Opens a request that answers from the other peer pair with.
     *
     * @param expectsAnswer false for a request that may rightly get none (a STOMP SUBSCRIBE without a receipt, a
     *                      guess of the fallback): it is never listed as unanswered
     */
    record Request(String scope, String key, boolean expectsAnswer) implements Correlation {
    }

    /**
     * Answers the other peer's oldest open request with this scope and key; an answer that finds none gets an
     * {@code answers-nothing} warning.
     *
     * @param last      false for an item of a stream (GraphQL {@code next}, SignalR StreamItem, a STOMP MESSAGE): the
     *                  request stays open for more, until an answer with {@code last} (GraphQL {@code complete}, a
     *                  SignalR Completion) or a {@link Cancel}
     * @param takeLabel the frame takes its request's label, so that filtering by label finds both sides (a JSON-RPC
     *                  result is labelled with its request's method); its own label-related warnings are dropped
     */
    record Answer(String scope, String key, boolean last, boolean takeLabel) implements Correlation {
    }

    /**
     * The requester ends its own open request without an answer (unsubscribe, a GraphQL client's {@code complete}): the
     * frame points at the request, which is closed and not listed as unanswered.
     */
    record Cancel(String scope, String key) implements Correlation {
    }

    /** A request in the default scope that expects an answer. */
    static Request request(String key) {
        return new Request("", key, true);
    }

    static Request request(String scope, String key) {
        return new Request(scope, key, true);
    }

    /** The one answer to a request, labelled as its request. */
    static Answer answer(String key) {
        return new Answer("", key, true, true);
    }

    static Answer answer(String scope, String key) {
        return new Answer(scope, key, true, true);
    }

    /** An item of a stream: the request stays open; labelled as its request. */
    static Answer streamItem(String scope, String key) {
        return new Answer(scope, key, false, true);
    }

    static Cancel cancel(String scope, String key) {
        return new Cancel(scope, key);
    }
}
