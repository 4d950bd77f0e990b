package dev.sockscope.decode;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * What every frame gets when no spec claims its session: JSON with a label taken from a conventional field, plain
 * text, or a hex preview of binary. Never fails, never needs state.
 */
public final class FallbackDecoder {
    public static final String NAME = "generic";
    /** Fields that conventionally name a JSON message, tried in this order for a label. */
    private static final List<String> LABEL_FIELDS = List.of("type", "event", "name", "op", "action", "method", "cmd", "opcode", "t");

    private FallbackDecoder() {
    }

    public static FrameDecoding decode(RecordedFrame f, JsonText.Parsed parsed) {
        if (f.type() == FrameType.BINARY) {
            return new FrameDecoding("binary", "binary", Kind.UNKNOWN, Previews.hex(f.payload()), null, null, List.of());
        }
        if (parsed instanceof JsonText.Ok ok) {
            JsonNode tree = ok.tree();
            return new FrameDecoding("json", labelOf(tree), Kind.UNKNOWN, Previews.json(tree),
                    null, null, List.of());
        }
        List<Warning> warnings = parsed instanceof JsonText.Invalid invalid
                ? List.of(Warning.of(Warning.Code.INVALID_JSON, invalid.reason())) : List.of();
        return new FrameDecoding("text", "text", Kind.UNKNOWN, Previews.text(f.payload()), null, null, warnings);
    }

    static String labelOf(JsonNode tree) {
        if (tree.isObject()) {
            for (String field : LABEL_FIELDS) {
                JsonNode v = tree.get(field);
                if (v != null && (v.isTextual() || v.isNumber()) && v.asText().length() <= 60) {
                    return v.asText();
                }
            }
            return "object";
        }
        return tree.isArray() ? "array" : "value";
    }
}
