package dev.sockscope.decode.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.decode.Previews;
import dev.sockscope.decode.binary.OpenedPayload;
import dev.sockscope.decode.binary.PayloadFormats;

/**
 * An application message's payload as people read it: JSON where it is JSON, text where it is UTF-8 text, a tree where
 * it is a binary format {@link PayloadFormats} knows (MessagePack, CBOR, gzip...), else hex.
 */
final class Payloads {
    /** Payloads longer than this are shown in part in the tree (the stored frame keeps them whole). */
    static final int TREE_BYTES = 64 * 1024;
    private static final int PREVIEW_CHARS = 80;

    /**
     * A payload shown: its value for the tree, how it was read ({@code json}, {@code text}, {@code hex}), a preview, and
     * whether it is JSON with conventionally named credentials ({@code password}, {@code token}...), masked in what is shown.
     */
    record Shown(JsonNode value, String encoding, String preview, boolean credentials) {
        Shown(JsonNode value, String encoding, String preview) {
            this(value, encoding, preview, false);
        }
    }

    private Payloads() {
    }

    static Shown show(byte[] payload, SecretMasker masker) {
        if (payload.length == 0) {
            return new Shown(Properties.NODES.textNode(""), "empty", "(empty)");
        }
        if (payload.length <= TREE_BYTES && JsonText.looksLikeJson(payload) && JsonText.parse(payload) instanceof JsonText.Ok ok) {
            boolean credentials = hasCredential(ok.tree(), 0);
            PayloadMasker.maskTree(ok.tree(), masker, 0);
            return new Shown(ok.tree(), "json", cut(ok.tree().toString()), credentials);
        }
        String text = text(payload, Math.min(payload.length, TREE_BYTES));
        if (text != null) {
            String value = payload.length > TREE_BYTES ? text + "…" : text;
            return new Shown(Properties.NODES.textNode(value), "text", "“" + cut(text) + "”");
        }
        // Binary of a format apps put in messages (MessagePack, CBOR, gzip, protobuf...): its tree (PayloadFormats).
        OpenedPayload opened = PayloadFormats.open(payload);
        if (opened != null && opened.warnings().isEmpty()) {
            return new Shown(opened.tree(), opened.format(), cut(Previews.json(opened.tree())));
        }
        String hex = HexFormat.ofDelimiter(" ").formatHex(payload, 0, Math.min(payload.length, TREE_BYTES / 3));
        return new Shown(Properties.NODES.textNode(hex), "hex", payload.length + " B: " + cut(hex));
    }

    private static boolean hasCredential(JsonNode node, int depth) {
        if (depth > 64) {
            return false;
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                if ((e.getValue().isTextual() && PayloadMasker.isConventionalSecret(e.getKey())) || hasCredential(e.getValue(), depth + 1)) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (hasCredential(item, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Binary data inside a packet (a correlation data property): text if it is text, else hex. */
    static JsonNode binaryValue(byte[] data) {
        String text = text(data, data.length);
        return Properties.NODES.textNode(text != null ? text : "hex " + HexFormat.ofDelimiter(" ").formatHex(data));
    }

    /** The first {@code length} bytes as UTF-8 text with no control characters but tab and line ends; null when they are not. */
    static String text(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
                return null;
            }
        }
        // A payload cut at TREE_BYTES may end inside a character (up to 3 bytes of it): text all the same if the rest is.
        int tries = length < bytes.length ? 4 : 1;
        for (int n = length; n > length - tries && n > 0; n--) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
            } catch (CharacterCodingException e) {
                // try one byte shorter
            }
        }
        return null;
    }

    static String cut(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= PREVIEW_CHARS ? one : one.substring(0, PREVIEW_CHARS - 1) + "…";
    }
}
