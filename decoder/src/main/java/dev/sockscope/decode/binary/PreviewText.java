package dev.sockscope.decode.binary;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.Filters;

/** A tree as one short line of compact JSON, for a summary. */
final class PreviewText {
    static final int CHARS = 120;

    private PreviewText() {
    }

    static String of(JsonNode tree) {
        String json = tree.toString();
        return Filters.truncate(json, CHARS);
    }
}
