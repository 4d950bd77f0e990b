package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.binary.BinarySecrets;
import dev.sockscope.decode.binary.NestedPayloads;
import dev.sockscope.decode.binary.OpenedPayload;
import dev.sockscope.decode.binary.PayloadFormats;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * What every frame gets when no decoder claims its session ({@code generic}): JSON labelled by a conventional field
 * (else by its keys, {@code {id,result}}), plain text, a binary payload of a format {@link PayloadFormats} knows
 * (MessagePack, CBOR, gzip, schema-less protobuf...) as its tree, or a hex preview of other binary. Payloads nested in
 * a tree (base64 of gzip or JSON, compressed bytes) are opened when the tree is asked for ({@link NestedPayloads}). A JSON answer whose conventional id
 * ({@code id}, {@code seq}, {@code requestId}, ...) matches an earlier message from the other peer is paired with it,
 * as a guess: a message nobody answers is never listed as unanswered.
 */
public final class FallbackDecoder implements ProtocolDecoder {
    public static final String NAME = "generic";
    public static final FallbackDecoder INSTANCE = new FallbackDecoder();
    /** Fields that conventionally name a JSON message, tried in this order for a label. */
    private static final List<String> LABEL_FIELDS = List.of("type", "event", "name", "op", "action", "method", "cmd", "opcode", "t");
    /** Fields that conventionally carry a request's id back in its answer, tried in this order. */
    static final List<String> ID_FIELDS = GuessedPairs.ID_FIELDS;
    private static final int KEYS_IN_LABEL = 4;

    private FallbackDecoder() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "fallback: JSON, text, hex";
    }

    @Override
    public String detection() {
        return "anything else";
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new Reader(context == null ? SecretMasker.ephemeral() : context.masker());
    }

    /** Remembers the ids each peer sent, to recognise answers. */
    private static final class Reader implements FrameReader {
        private final SecretMasker masker;
        private final GuessedPairs pairs = new GuessedPairs();

        Reader(SecretMasker masker) {
            this.masker = masker;
        }

        @Override
        public DecodeResult read(FrameInput frame) {
            if (frame.type().isControl()) {
                return DecodeResult.NotMine.CONTROL;
            }
            if (frame.type() == FrameType.BINARY) {
                // Every frame of a binary protocol nobody claims comes here: most are none of the formats, rejected by
                // their first bytes, and get one object, no copies.
                OpenedPayload opened = PayloadFormats.open(frame.payload());
                if (opened == null) {
                    return new DecodeResult.Decoded("binary", Kind.UNKNOWN, Previews.hex(frame.payload()), List.of(), null, List.of(), List.of(),
                            "binary");
                }
                return binary(frame, opened);
            }
            JsonText.Parsed parsed = frame.looksLikeJson() ? frame.parsed() : null;
            if (parsed instanceof JsonText.Ok ok) {
                JsonNode tree = ok.tree();
                DecodeResult.Decoded d = DecodeResult.Decoded.of(labelOf(tree), Kind.UNKNOWN,
                        Previews.json(tree)).withProtocol("json").withTree(() -> NestedPayloads.open(tree));
                return paired(frame.from(), tree, d);
            }
            DecodeResult.Decoded text = DecodeResult.Decoded.of("text", Kind.UNKNOWN, Previews.text(frame.payload())).withProtocol("text");
            return parsed instanceof JsonText.Invalid invalid ? text.withWarning(Warning.of(Warning.Code.INVALID_JSON, invalid.reason())) : text;
        }

        /**
         * A binary payload of a known format: its tree, with credentials masked before anything is shown (and located in
         * the payload, so that the stored copy is masked too); labelled by a
         * conventional field when it has one, else by its format. A payload that claims a format and breaks it keeps its
         * hex summary, with the warning.
         */
        private DecodeResult binary(FrameInput frame, OpenedPayload opened) {
            JsonNode tree = opened.tree();
            List<Secret> secrets = BinarySecrets.locate(opened, frame.payload());
            PayloadMasker.maskTree(tree, masker, 0);
            boolean broken = !opened.warnings().isEmpty();
            String summary = broken ? Previews.hex(frame.payload())
                    : tree.isTextual() ? Previews.text(tree.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)) : Previews.json(tree);
            String label = !opened.schemaless() && tree.isObject() && hasLabelField(tree) ? labelOf(tree) : opened.format();
            DecodeResult.Decoded d = new DecodeResult.Decoded(label, Kind.UNKNOWN, summary, opened.warnings(), () -> NestedPayloads.open(tree),
                    secrets, List.of(), opened.format());
            return tree.isObject() && !opened.schemaless() ? paired(frame.from(), tree, d) : d;
        }

        private DecodeResult.Decoded paired(Direction from, JsonNode tree, DecodeResult.Decoded d) {
            return pairs.pair(from, tree, d, hasLabelField(tree));
        }
    }

    /** A JSON message's label: its conventional name field, else its keys ({@code {id,result}}); never "object". */
    static String labelOf(JsonNode tree) {
        if (tree.isObject()) {
            for (String field : LABEL_FIELDS) {
                JsonNode v = tree.get(field);
                if (v != null && (v.isTextual() || v.isNumber()) && v.asText().length() <= 60 && !v.asText().isEmpty()) {
                    return v.asText();
                }
            }
            return keys(tree);
        }
        return tree.isArray() ? "array" : "value";
    }

    /**
     * The value of a tree's conventional name field ({@code type}, {@code event}, {@code name}, {@code op}, ...), or
     * null when it has none: what a decoder of a self-describing format may label a message by.
     */
    public static String conventionalLabel(JsonNode tree) {
        return tree != null && tree.isObject() && hasLabelField(tree) ? labelOf(tree) : null;
    }

    private static boolean hasLabelField(JsonNode tree) {
        for (String field : LABEL_FIELDS) {
            JsonNode v = tree.get(field);
            if (v != null && (v.isTextual() || v.isNumber()) && v.asText().length() <= 60 && !v.asText().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The top-level keys, sorted, the first few: {@code {id,jsonrpc,result}}, {@code {a,b,c,d,…}}, {@code {}}. */
    private static String keys(JsonNode tree) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        names.sort(null);
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.size() && i < KEYS_IN_LABEL; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(Filters.truncate(names.get(i), 20));
        }
        if (names.size() > KEYS_IN_LABEL) {
            out.append(",…");
        }
        return out.append('}').toString();
    }
}
