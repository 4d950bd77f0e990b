package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import dev.sockscope.secrets.SecretMasker;

/**
 * Masks secret fields in a JSON payload for storage, changing nothing else: the stored text stays byte for byte
 * what crossed the wire except inside the masked values, so offsets, spacing and key order survive.
 */
public final class PayloadMasker {
    private static final java.util.Map<String, java.util.regex.Pattern> FIELD_PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    private PayloadMasker() {
    }

    /**
     * Masks {@code "name": "value"} wherever the last name of a secret path appears in text that is not valid JSON,
     * including a value cut off by the end of the text.
     */
    static String maskUnparsed(String text, List<JsonPath> paths) {
        String out = text;
        for (JsonPath p : paths) {
            String field = p.parts().get(p.parts().size() - 1);
            java.util.regex.Matcher m = FIELD_PATTERNS.computeIfAbsent(field, n -> java.util.regex.Pattern.compile("(\""
                    + java.util.regex.Pattern.quote(n) + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\"?)")).matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = m.group(2);
                String replacement = value.isEmpty() || SecretMasker.isMasked(value) ? m.group() : m.group(1) + SecretMasker.mask(value) + m.group(3);
                m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    /**
     * Field names that hold credentials in most JSON protocols; masked at any depth in frames no spec decodes
     * (compared without case, underscores and dashes).
     */
    static final Set<String> CONVENTIONAL_SECRETS = Set.of("token", "accesstoken", "refreshtoken", "authtoken", "sessiontoken",
            "idtoken", "password", "passwd", "secret", "clientsecret", "apikey", "authorization", "jwt");
    /** The payload with string values of conventionally secret fields masked, or null when it has none. */
    public static byte[] maskConventional(String text, com.fasterxml.jackson.databind.JsonNode tree) {
        if (!hasConventionalSecret(tree, 0)) {
            return null;
        }
        return mask(text, null, CONVENTIONAL_SECRETS);
    }

    /** Walks the parsed tree first: far cheaper than a second pass over the text for the usual frame without secrets. */
    private static boolean hasConventionalSecret(com.fasterxml.jackson.databind.JsonNode node, int depth) {
        if (depth > 64 || !node.isContainerNode()) {
            return false;
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                if (name.length() <= 16 && e.getValue().isTextual() && CONVENTIONAL_SECRETS.contains(normalise(name))) {
                    return true;
                }
                if (hasConventionalSecret(e.getValue(), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode item : node) {
            if (hasConventionalSecret(item, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    static String normalise(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && c != '-') {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** The payload with the values at {@code paths} masked, or null when none of them is present. */
    public static byte[] mask(String text, List<JsonPath> paths) {
        if (paths.isEmpty()) {
            return null;
        }
        Set<String> pointers = new HashSet<>();
        for (JsonPath p : paths) {
            pointers.add("/" + String.join("/", p.parts()));
        }
        return mask(text, pointers, null);
    }

    /** Masks string values at these JSON pointers, or (when {@code names} is given) in fields of these normalised names. */
    private static byte[] mask(String text, Set<String> pointers, Set<String> names) {
        List<int[]> spans = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (JsonParser parser = JsonText.MAPPER.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                boolean secret = t.isScalarValue() && (pointers != null
                        ? pointers.contains(parser.getParsingContext().pathAsPointer().toString())
                        : parser.currentName() != null && names.contains(normalise(parser.currentName())));
                if (secret) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    String value = parser.getText();
                    int end = (int) parser.currentLocation().getCharOffset();
                    if (t == JsonToken.VALUE_STRING && !SecretMasker.isMasked(value)) {
                        spans.add(new int[] {start, end});
                        values.add(value);
                    }
                }
            }
        } catch (IOException e) {
            // Not JSON after all (cut off, malformed): mask by field name, so that a broken frame leaks nothing either.
            if (pointers == null) {
                return null;
            }
            List<JsonPath> paths = new ArrayList<>();
            pointers.forEach(p -> paths.add(JsonPath.parse(p.substring(1).replace('/', '.'))));
            String masked = maskUnparsed(text, paths);
            return masked.equals(text) ? null : masked.getBytes(StandardCharsets.UTF_8);
        }
        if (spans.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        for (int i = 0; i < spans.size(); i++) {
            int[] span = spans.get(i);
            out.append(text, pos, span[0]).append('"')
                    .append(JsonStringEncoder.getInstance().quoteAsString(SecretMasker.mask(values.get(i)))).append('"');
            pos = span[1];
        }
        out.append(text, pos, text.length());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
