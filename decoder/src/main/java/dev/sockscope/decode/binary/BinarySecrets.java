package dev.sockscope.decode.binary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.Secret;

/**
 * Where the credentials of an opened MessagePack, CBOR or JSON payload are in its bytes, so that the stored copy is
 * masked (same length: the stored frame still parses): the string values of fields named like credentials
 * ({@code password}, {@code token}...), found in the tree, then in the payload where the format's string head of that
 * length stands right before them. What a compressed layer holds cannot be masked in place and is not reported.
 */
public final class BinarySecrets {
    private static final int MAX_DEPTH = Limits.MAX_DEPTH;

    private BinarySecrets() {
    }

    /** The credentials' spans in {@code payload}, which {@code opened} was read from; none for other formats. */
    public static List<Secret> locate(OpenedPayload opened, byte[] payload) {
        String format = opened.format();
        if (!format.equals("msgpack") && !format.equals("cbor") && !format.equals("json")) {
            return List.of();
        }
        Set<String> values = new LinkedHashSet<>();
        collect(opened.tree(), values, 0);
        if (values.isEmpty()) {
            return List.of();
        }
        List<Secret> out = new ArrayList<>();
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            for (int at = indexOf(payload, bytes, 0); at >= 0; at = indexOf(payload, bytes, at + 1)) {
                if (headed(format, payload, at, bytes.length)) {
                    out.add(new Secret.Span(at, at + bytes.length));
                }
            }
        }
        return out;
    }

    private static void collect(JsonNode node, Set<String> out, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && !e.getValue().textValue().isEmpty() && PayloadMasker.isConventionalSecret(e.getKey())) {
                    out.add(e.getValue().textValue());
                } else {
                    collect(e.getValue(), out, depth + 1);
                }
            }
        } else if (node.isArray()) {
            node.forEach(v -> collect(v, out, depth + 1));
        }
    }

    /** Whether the format's head of a string of {@code length} bytes ends right at {@code at}. */
    private static boolean headed(String format, byte[] p, int at, int length) {
        return switch (format) {
            case "msgpack" -> length < 32 && at >= 1 && (p[at - 1] & 0xFF) == (0xa0 | length)
                    || length < 256 && at >= 2 && (p[at - 2] & 0xFF) == 0xd9 && (p[at - 1] & 0xFF) == length
                    || length < 65536 && at >= 3 && (p[at - 3] & 0xFF) == 0xda && ((p[at - 2] & 0xFF) << 8 | p[at - 1] & 0xFF) == length;
            case "cbor" -> length < 24 && at >= 1 && (p[at - 1] & 0xFF) == (0x60 + length)
                    || length < 256 && at >= 2 && (p[at - 2] & 0xFF) == 0x78 && (p[at - 1] & 0xFF) == length
                    || length < 65536 && at >= 3 && (p[at - 3] & 0xFF) == 0x79 && ((p[at - 2] & 0xFF) << 8 | p[at - 1] & 0xFF) == length;
            default -> at >= 1 && p[at - 1] == '"' && at + length < p.length && p[at + length] == '"';
        };
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
