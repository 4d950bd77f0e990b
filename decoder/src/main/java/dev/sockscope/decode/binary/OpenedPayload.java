package dev.sockscope.decode.binary;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.Warning;

/**
 * A binary payload opened by {@link PayloadFormats}: what it is and what it says.
 *
 * @param format   what the payload is, as the protocol column shows it: {@code msgpack}, {@code cbor}, {@code json},
 *                 {@code protobuf}, and layers joined with arrows: {@code gzip → json}, {@code zlib → msgpack}
 * @param tree     what it says, as a tree (a decompressed text is a text node; never null)
 * @param warnings what went wrong on the way (a layer that does not open, a limit reached), or none
 */
public record OpenedPayload(String format, JsonNode tree, List<Warning> warnings) {
    public OpenedPayload {
        warnings = List.copyOf(warnings);
    }

    static OpenedPayload of(String format, JsonNode tree) {
        return new OpenedPayload(format, tree, List.of());
    }

    /** This payload found inside an outer layer ({@code gzip}): the formats joined, {@code gzip → json}. */
    OpenedPayload inside(String outer, List<Warning> more) {
        List<Warning> all = new java.util.ArrayList<>(more);
        all.addAll(warnings);
        return new OpenedPayload(outer + " → " + format, tree, all);
    }

    /** Whether the tree is a protobuf message read without a schema (field numbers, not names). */
    public boolean schemaless() {
        return format.endsWith(RawProtobuf.FORMAT);
    }
}
