package dev.sockscope.decode.binary;

import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Opens, in a tree, the payloads nested in it: a string that is base64 of gzip, zlib or JSON, and bytes (a MessagePack
 * bin, a CBOR byte string, a protobuf bytes field) that are compressed, JSON, MessagePack or CBOR. Each is replaced by
 * an object with one field named after what it was ({@code "base64 → gzip → json": {…}}), so the tree says what was
 * opened. Bounded: {@link #MAX_OPENED} payloads, {@link Limits#MAX_DEPTH} levels, one inflation budget for the tree.
 */
public final class NestedPayloads {
    static final int MAX_OPENED = 32;
    /** Shorter strings are ids and words, not payloads. */
    private static final int MIN_BASE64 = 8;

    private NestedPayloads() {
    }

    /** Opens what is nested in {@code tree}, in place, and returns it. Never throws. */
    public static JsonNode open(JsonNode tree) {
        if (tree != null && tree.isContainerNode()) {
            try {
                new Walk(Limits.fresh()).container(tree, 0);
            } catch (RuntimeException e) {
                // what was opened stays opened; the rest stays as it came
            }
        }
        return tree;
    }

    private static final class Walk {
        private final Limits limits;
        private int opened;

        Walk(Limits limits) {
            this.limits = limits;
        }

        void container(JsonNode node, int depth) {
            if (depth > Limits.MAX_DEPTH || opened >= MAX_OPENED) {
                return;
            }
            if (node instanceof ObjectNode object) {
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode replaced = value(e.getValue(), depth);
                    if (replaced != null) {
                        e.setValue(replaced);
                    }
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    JsonNode replaced = value(array.get(i), depth);
                    if (replaced != null) {
                        array.set(i, replaced);
                    }
                }
            }
        }

        /** What replaces {@code v}, or null to keep it. */
        private JsonNode value(JsonNode v, int depth) {
            if (v.isContainerNode()) {
                container(v, depth + 1);
                return null;
            }
            if (opened >= MAX_OPENED) {
                return null;
            }
            String via = "";
            byte[] bytes = null;
            if (v.isBinary()) {
                bytes = ((com.fasterxml.jackson.databind.node.BinaryNode) v).binaryValue();
            } else if (v.isTextual() && mayBeBase64Payload(v.textValue())) {
                bytes = decodeBase64(v.textValue());
                via = "base64 → ";
            }
            if (bytes == null || !limits.deeperAllowed()) {
                return null;
            }
            OpenedPayload inner = PayloadFormats.openNested(bytes, limits.inner());
            if (inner == null || inner.format().equals("binary")) {
                return null;
            }
            opened++;
            container(inner.tree(), depth + 1);
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.set(via + inner.format(), inner.tree());
            return wrapped;
        }
    }

    /**
     * What base64 of gzip ({@code H4sI}), zlib ({@code eJ}, {@code eN}, {@code eA}, {@code eF}) or a JSON object or
     * array ({@code eyJ} for <code>{"</code>, {@code W3s} for <code>[{</code>, {@code WyJ} for {@code ["}) starts with.
     */
    static boolean mayBeBase64Payload(String s) {
        if (s.length() < MIN_BASE64 || s.length() > PayloadFormats.MAX_BYTES * 4 / 3 + 4) {
            return false;
        }
        return s.startsWith("H4sI") || s.startsWith("eJ") || s.startsWith("eN") || s.startsWith("eA") || s.startsWith("eF")
                || s.startsWith("eyJ") || s.startsWith("W3s") || s.startsWith("WyJ");
    }

    private static byte[] decodeBase64(String s) {
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
