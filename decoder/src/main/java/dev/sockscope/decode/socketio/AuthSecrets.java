package dev.sockscope.decode.socketio;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.secrets.SecretMasker;

/**
 * The credentials in a CONNECT's auth payload: string values whose field name says credential ({@code token},
 * {@code apiKey}, {@code password}, {@code auth}, ...), at any depth, with every string under such a field. The rest
 * ({@code user}, {@code room}) is kept, so that people can still see who connected.
 */
final class AuthSecrets {
    private static final List<String> CREDENTIAL_WORDS = List.of("token", "key", "secret", "pass", "pwd", "auth", "cred", "jwt", "cookie",
            "session", "sig", "bearer");
    private static final int MAX_DEPTH = 32;

    private AuthSecrets() {
    }

    /** The payload with its credentials masked, and their paths for the stored copy's {@code Secret.Json}. */
    record Masked(JsonNode tree, List<FieldPattern> paths) {
    }

    static Masked mask(JsonNode auth, SecretMasker masker) {
        JsonNode copy = auth.deepCopy();
        List<FieldPattern> paths = new ArrayList<>();
        walk(copy, new ArrayList<>(), false, masker, paths, 0);
        return new Masked(copy, paths);
    }

    static boolean isConventionalSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String w : CREDENTIAL_WORDS) {
            if (n.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private static void walk(JsonNode node, List<String> path, boolean secret, SecretMasker masker, List<FieldPattern> paths, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                boolean under = secret || isConventionalSecret(e.getKey());
                // A name FieldPattern cannot write (dots, brackets) is matched by any name at that place.
                path.add(e.getKey().isEmpty() || e.getKey().matches(".*[.\\[\\]].*") ? "*" : e.getKey());
                if (e.getValue().isTextual()) {
                    if (under) {
                        e.setValue(masked(e.getValue().textValue(), masker));
                        paths.add(FieldPattern.parse(String.join(".", path).replace(".[", "[")));
                    }
                } else {
                    walk(e.getValue(), path, under, masker, paths, depth + 1);
                }
                path.remove(path.size() - 1);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                path.add("[" + i + "]");
                if (array.get(i).isTextual()) {
                    if (secret) {
                        array.set(i, masked(array.get(i).textValue(), masker));
                        paths.add(FieldPattern.parse(String.join(".", path).replace(".[", "[")));
                    }
                } else {
                    walk(array.get(i), path, secret, masker, paths, depth + 1);
                }
                path.remove(path.size() - 1);
            }
        }
    }

    private static TextNode masked(String value, SecretMasker masker) {
        return TextNode.valueOf(value.isEmpty() || SecretMasker.isMasked(value) ? value : masker.mask(value));
    }
}
