package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a {@link FrameReader} made of one frame: {@link Decoded}, {@link NotMine} or {@link Failed}. The session turns
 * it into the {@link FrameDecoding} stored with the frame, pairs it through its correlations ({@link Correlator}) and
 * masks its secrets in the stored payload.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.NotMine, DecodeResult.Failed {

    /** Builds a frame's tree only when someone asks for it (the inspector, {@code frames --tree}), never for every frame. */
    @FunctionalInterface
    interface TreeSource {
        JsonNode build();
    }

    /**
     * The frame is this protocol's, and this is what it says.
     *
     * @param label        a short name: the command, event or method ({@code SUBSCRIBE}, {@code chat}, {@code login})
     * @param kind         request, response, error, event, heartbeat, control or unknown
     * @param summary      one line for people, secrets masked
     * @param warnings     what is wrong with the frame, coded
     * @param tree         the frame as a tree for the inspector (nested encodings opened, secrets masked), or null
     * @param secrets      where credentials are in the payload, masked in the stored copy
     * @param correlations what the frame asks or answers: the session pairs frames by them
     * @param protocol     what the frame's protocol column shows; null for the decoder's name (the fallback shows json,
     *                     text or binary)
     */
    record Decoded(String label, Kind kind, String summary, List<Warning> warnings, TreeSource tree, List<Secret> secrets,
                   List<Correlation> correlations, String protocol) implements DecodeResult {
        public Decoded {
            if (label == null || kind == null || summary == null) {
                throw new IllegalArgumentException("a decoded frame needs a label, a kind and a summary");
            }
            warnings = List.copyOf(warnings);
            secrets = List.copyOf(secrets);
            correlations = List.copyOf(correlations);
        }

        public static Decoded of(String label, Kind kind, String summary) {
            return new Decoded(label, kind, summary, List.of(), null, List.of(), List.of(), null);
        }

        public Decoded withWarning(Warning warning) {
            return new Decoded(label, kind, summary, plus(warnings, warning), tree, secrets, correlations, protocol);
        }

        public Decoded withWarnings(List<Warning> more) {
            List<Warning> all = new ArrayList<>(warnings);
            all.addAll(more);
            return new Decoded(label, kind, summary, all, tree, secrets, correlations, protocol);
        }

        public Decoded withTree(TreeSource source) {
            return new Decoded(label, kind, summary, warnings, source, secrets, correlations, protocol);
        }

        /** The tree of a frame that is already built (a JSON protocol's parse). */
        public Decoded withTree(JsonNode built) {
            return withTree(built == null ? null : () -> built);
        }

        public Decoded withSecret(Secret secret) {
            return new Decoded(label, kind, summary, warnings, tree, plus(secrets, secret), correlations, protocol);
        }

        public Decoded withSecrets(List<Secret> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<Secret> all = new ArrayList<>(secrets);
            all.addAll(more);
            return new Decoded(label, kind, summary, warnings, tree, all, correlations, protocol);
        }

        public Decoded with(Correlation correlation) {
            return new Decoded(label, kind, summary, warnings, tree, secrets, plus(correlations, correlation), protocol);
        }

        public Decoded withCorrelations(List<Correlation> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<Correlation> all = new ArrayList<>(correlations);
            all.addAll(more);
            return new Decoded(label, kind, summary, warnings, tree, secrets, all, protocol);
        }

        public Decoded withProtocol(String shown) {
            return new Decoded(label, kind, summary, warnings, tree, secrets, correlations, shown);
        }

        /** The tree, built now; null when the decoder gives none. */
        public JsonNode buildTree() {
            return tree == null ? null : tree.build();
        }

        private static <T> List<T> plus(List<T> list, T item) {
            List<T> all = new ArrayList<>(list.size() + 1);
            all.addAll(list);
            all.add(item);
            return all;
        }
    }

    /**
     * The frame is not this protocol's (a text frame in a binary protocol, a ping the protocol says nothing about): the
     * session decodes it as the fallback would (ping, pong and close as control frames), with {@code reason} as a
     * warning on data frames.
     */
    record NotMine(String reason) implements DecodeResult {
        /** For control frames a protocol leaves to the WebSocket layer. */
        public static final NotMine CONTROL = new NotMine("a control frame");
    }

    /**
     * The frame is this protocol's but cannot be read (cut short, a field that does not parse): kept as it came, shown
     * raw (text or hex) under {@code label} ({@code invalid JSON}, {@code malformed PUBLISH}), with {@code reason} as a
     * warning.
     */
    record Failed(String label, String reason) implements DecodeResult {
    }
}
