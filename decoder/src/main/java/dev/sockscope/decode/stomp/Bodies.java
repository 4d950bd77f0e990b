package dev.sockscope.decode.stomp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.secrets.SecretMasker;

/** A frame's body as people read it: JSON when its content-type says so (or it has none and looks like JSON), else text, else hex. */
final class Bodies {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int PREVIEW_CHARS = 80;
    private static final int TREE_BYTES = 64 * 1024;

    /**
     * A body shown: its value for the tree, how it was read, a preview, why JSON it should be but is not (or null), and
     * whether it is JSON holding conventionally named credentials (masked in what is shown).
     */
    record Shown(JsonNode value, String encoding, String preview, String invalidJson, boolean credentials) {
        Shown(JsonNode value, String encoding, String preview, String invalidJson) {
            this(value, encoding, preview, invalidJson, false);
        }
    }

    private Bodies() {
    }

    static Shown show(byte[] body, String contentType, SecretMasker masker) {
        if (body.length == 0) {
            return new Shown(NODES.textNode(""), "empty", "", null);
        }
        boolean saysJson = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
        String invalid = null;
        if (saysJson || (contentType == null && JsonText.looksLikeJson(body))) {
            JsonText.Parsed parsed = JsonText.parse(body);
            if (parsed instanceof JsonText.Ok ok) {
                String before = ok.tree().toString();
                PayloadMasker.maskTree(ok.tree(), masker, 0);
                String shown = ok.tree().toString();
                return new Shown(ok.tree(), "json", cut(shown), null, !shown.equals(before));
            }
            invalid = saysJson ? ((JsonText.Invalid) parsed).reason() : null;
        }
        String text = text(body);
        if (text != null) {
            return new Shown(NODES.textNode(text.length() > TREE_BYTES ? text.substring(0, TREE_BYTES) + "…" : text), "text",
                    "“" + cut(text) + "”", invalid);
        }
        String hex = HexFormat.ofDelimiter(" ").formatHex(body, 0, Math.min(body.length, TREE_BYTES / 3));
        return new Shown(NODES.textNode(hex), "hex", body.length + " B: " + cut(hex), invalid);
    }

    private static String text(byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String cut(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= PREVIEW_CHARS ? one : one.substring(0, PREVIEW_CHARS - 1) + "…";
    }
}
