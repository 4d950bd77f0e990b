package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Parsing frame payloads as JSON, with the outcome as a value rather than an exception. */
public final class JsonText {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    static {
        // Frames of 64 MiB are legal; Jackson's default cap on a single string (20 M chars) is not the place to fail.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).maxNestingDepth(2000).build());
    }

    /** A parse outcome: a tree, or the reason there is none. */
    public sealed interface Parsed permits Ok, Invalid {
    }

    /** The text is JSON. */
    public record Ok(JsonNode tree) implements Parsed {
    }

    /** The text is not JSON; {@code reason} says where and why, as a frame's warning shows it. */
    public record Invalid(String reason) implements Parsed {
    }

    private JsonText() {
    }

    /** True when the text could be JSON (starts with an object or array): a cheap test before parsing. */
    public static boolean looksLikeJson(byte[] payload) {
        for (byte b : payload) {
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    /**
     * True when text that {@link #looksLikeJson looks like JSON} cannot be one JSON document: its last byte, after
     * whitespace, does not close an object or array. A SignalR frame (records ended by 0x1E) is such text: knowing it
     * without a parse saves the parse that fails at its end, and the exception that says so, on every frame.
     */
    static boolean cannotBeJson(byte[] payload) {
        for (int i = payload.length - 1; i >= 0; i--) {
            byte b = payload[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b != '}' && b != ']';
            }
        }
        return true;
    }

    public static Parsed parse(byte[] payload) {
        return parse(new String(payload, StandardCharsets.UTF_8));
    }

    public static Parsed parse(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                return new Invalid("invalid JSON: empty");
            }
            return new Ok(tree);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            return new Invalid("invalid JSON" + at + ": " + (nl > 0 ? msg.substring(0, nl) : msg));
        }
    }
}
