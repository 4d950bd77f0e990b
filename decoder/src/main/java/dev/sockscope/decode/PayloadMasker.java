package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.sockscope.secrets.SecretMasker;

/**
 * Masks secret fields in a JSON payload for storage, changing nothing else: the stored text stays byte for byte
 * what crossed the wire except inside the masked values, so offsets, spacing and key order survive.
 *
 * <p>A field is secret when its path is one of the spec's {@code secrets}, or when its name is a conventional
 * credential name ({@link #CONVENTIONAL_SECRETS}), at any depth, whatever decoder runs. A string value that is itself
 * a JSON document (event-chat's {@code args}) is masked inside too; that one string is then re-escaped.
 */
public final class PayloadMasker {
    /** The longest field name {@link #maskUnparsed} looks at. */
    private static final int MAX_UNPARSED_NAME = 64;
    private static final int MAX_DEPTH = 64;

    private PayloadMasker() {
    }

    /**
     * Field names that hold credentials in most JSON protocols; masked at any depth in every frame (compared without
     * case, underscores and dashes).
     */
    static final Set<String> CONVENTIONAL_SECRETS = Set.of("token", "accesstoken", "refreshtoken", "authtoken", "sessiontoken",
            "idtoken", "bearertoken", "password", "passwd", "pwd", "passphrase", "passcode", "secret", "clientsecret", "apikey", "apisecret",
            "authorization", "auth", "cookie", "jwt", "privatekey", "credentials", "credential", "sessionid", "sessionkey");

    public static boolean isConventionalSecret(String name) {
        return name.length() <= 24 && CONVENTIONAL_SECRETS.contains(normalise(name));
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

    /**
     * Whether the parsed frame has something {@link #mask} would change: a string at a secret path, a string in a
     * field with a conventional credential name, or a string that may be a JSON document holding one. Walks the tree,
     * far cheaper than a second pass over the text for the usual frame without secrets.
     */
    static boolean mayHoldSecrets(JsonNode tree, List<JsonPath> paths) {
        for (JsonPath p : paths) {
            JsonNode v = p.find(tree);
            if (v != null && v.isTextual()) {
                return true;
            }
        }
        // Also true for any string that holds a JSON document, which is where a path into a jsonStrings field leads.
        return hasConventionalSecret(tree, 0);
    }

    private static boolean hasConventionalSecret(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (node.isTextual()) {
            return looksLikeJsonDocument(node.textValue());
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && isConventionalSecret(e.getKey())) {
                    return true;
                }
                if (e.getValue().isContainerNode() || e.getValue().isTextual()) {
                    if (hasConventionalSecret(e.getValue(), depth + 1)) {
                        return true;
                    }
                }
            }
            return false;
        }
        for (JsonNode item : node) {
            if (hasConventionalSecret(item, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** What {@link #looksLikeJsonDocument} needs first, read from the parser's buffer without making a string. */
    private static boolean mayBeJsonDocument(JsonParser parser) throws IOException {
        if (parser.getTextLength() < 7) {
            return false;
        }
        char first = parser.getTextCharacters()[parser.getTextOffset()];
        return first == '{' || first == '[';
    }

    private static boolean looksLikeJsonDocument(String s) {
        if (s.length() < 7) {
            return false;
        }
        char first = s.charAt(0);
        return (first == '{' || first == '[') && s.indexOf('"') > 0 && s.indexOf(':') > 0;
    }

    /** The JSON tree of a payload, conventionally secret fields and JWT signatures masked; null when it is not JSON. */
    public static JsonNode maskedTree(byte[] payload, SecretMasker masker) {
        if (!(JsonText.parse(payload) instanceof JsonText.Ok ok)) {
            return null;
        }
        maskTree(ok.tree(), masker, 0);
        return ok.tree();
    }

    /** Masks, in place, the conventionally secret string fields of a decoded tree (for summaries and trees). */
    public static void maskTree(JsonNode node, SecretMasker masker, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    String masked = isConventionalSecret(e.getKey()) && !SecretMasker.isMasked(v.textValue())
                            ? masker.mask(v.textValue()) : masker.maskJwtSignatures(v.textValue());
                    if (!masked.equals(v.textValue())) {
                        e.setValue(TextNode.valueOf(masked));
                    }
                } else {
                    maskTree(v, masker, depth + 1);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode v = array.get(i);
                if (v.isTextual()) {
                    String masked = masker.maskJwtSignatures(v.textValue());
                    if (!masked.equals(v.textValue())) {
                        array.set(i, TextNode.valueOf(masked));
                    }
                } else {
                    maskTree(v, masker, depth + 1);
                }
            }
        }
    }

    /**
     * The payload with the values at {@code paths} and in conventionally secret fields masked, or null when none is
     * present. Text that is not valid JSON is masked by field name (a frame cut off in a secret leaks nothing either).
     */
    public static byte[] mask(String text, List<JsonPath> paths, SecretMasker masker) {
        Set<String> pointers = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonPath p : paths) {
            // Escaped as the parser's own pointers are (~0, ~1), so a name holding '/' or '~' still matches.
            pointers.add(p.pointer().toString());
            names.add(p.lastName());
        }
        String masked = maskJson(text, pointers, masker, 0);
        if (masked == null) {
            masked = maskUnparsed(text, names, masker);
        }
        return masked == null || masked.equals(text) ? null : masked.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Masks {@code "name": "value"} wherever a secret path's last name or a conventional credential name appears in
     * text that is not valid JSON, including a value cut off by the end of the text. The same text when none does.
     */
    static String maskUnparsed(String text, Set<String> names, SecretMasker masker) {
        StringBuilder sb = null;
        int pos = 0;
        int from = 0;
        for (int quote = text.indexOf('"'); quote >= 0; quote = text.indexOf('"', from)) {
            int[] field = fieldAt(text, quote);
            if (field == null) {
                from = quote + 1;
                continue;
            }
            String name = text.substring(quote + 1, field[0]);
            String value = text.substring(field[1], field[2]);
            from = field[2] < text.length() ? field[2] + 1 : field[2];
            if (value.isEmpty() || SecretMasker.isMasked(value) || !(names.contains(name) || isConventionalSecret(name))) {
                continue;
            }
            sb = sb == null ? new StringBuilder(text.length()) : sb;
            sb.append(text, pos, field[1]).append(masker.mask(value));
            pos = field[2];
        }
        return sb == null ? text : sb.append(text, pos, text.length()).toString();
    }

    /**
     * The {@code "name": "value"} pair whose name opens at {@code quote}: the name's closing quote in {@code [0]}, the
     * value's start and end in {@code [1]} and {@code [2]} (the end is the closing quote, or where the value was cut
     * off); null when there is none. A name is 1 to {@value #MAX_UNPARSED_NAME} characters without quote or
     * backslash; a value runs to its first unescaped quote. Scanned by hand, once: as a regular expression
     * ({@code (?:[^"\\]|\\.)*}) a long value cost a stack frame per character and overflowed the stack.
     */
    private static int[] fieldAt(String text, int quote) {
        int n = text.length();
        int nameStart = quote + 1;
        int j = nameStart;
        while (j < n && j - nameStart < MAX_UNPARSED_NAME && text.charAt(j) != '"' && text.charAt(j) != '\\') {
            j++;
        }
        if (j == nameStart || j >= n || text.charAt(j) != '"') {
            return null;
        }
        int k = skipSpace(text, j + 1);
        if (k >= n || text.charAt(k) != ':') {
            return null;
        }
        k = skipSpace(text, k + 1);
        if (k >= n || text.charAt(k) != '"') {
            return null;
        }
        int valueStart = k + 1;
        int v = valueStart;
        while (v < n) {
            char c = text.charAt(v);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (v + 1 >= n || isLineEnd(text.charAt(v + 1))) {
                    break;
                }
                v += 2;
            } else {
                v++;
            }
        }
        return new int[] {j, valueStart, v};
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isLineEnd(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    /** A string value of a JSON document: its span in bytes (quotes included) and its decoded text. */
    record StringValue(int start, int end, String value) {
    }

    /**
     * The string values of the JSON document at bytes {@code [start, end)} that are secrets: at a path one of
     * {@code fields} matches, or in a field with a conventional credential name. Null when the bytes are not JSON.
     */
    static List<StringValue> secretStrings(byte[] payload, int start, int end, List<dev.sockscope.decode.spec.FieldPattern> fields) {
        List<StringValue> out = new ArrayList<>();
        List<String> path = new ArrayList<>();
        try (JsonParser parser = JsonText.MAPPER.getFactory().createParser(payload, start, end - start)) {
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (t != JsonToken.VALUE_STRING) {
                    continue;
                }
                String name = parser.currentName();
                boolean secret = name != null && isConventionalSecret(name);
                if (!secret && !fields.isEmpty()) {
                    path.clear();
                    for (com.fasterxml.jackson.core.JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                        path.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName());
                    }
                    for (dev.sockscope.decode.spec.FieldPattern f : fields) {
                        if (f.matches(path)) {
                            secret = true;
                            break;
                        }
                    }
                }
                if (secret) {
                    // Text first: Jackson reads a string's content lazily, and only then is the location past its end.
                    String value = parser.getText();
                    out.add(new StringValue(start + (int) parser.currentTokenLocation().getByteOffset(),
                            start + (int) parser.currentLocation().getByteOffset(), value));
                }
            }
        } catch (IOException e) {
            return null;
        }
        return out;
    }

    /** A masked value as a JSON string token, quotes included. */
    static String quoted(String value) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
    }

    /** The JSON text with secret string values masked; null when it is not valid JSON. */
    private static String maskJson(String text, Set<String> pointers, SecretMasker masker, int depth) {
        List<int[]> spans = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        try (JsonParser parser = JsonText.MAPPER.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (t != JsonToken.VALUE_STRING) {
                    continue;
                }
                String name = parser.currentName();
                String here = pointers.isEmpty() ? null : parser.getParsingContext().pathAsPointer().toString();
                boolean secret = (name != null && isConventionalSecret(name)) || (here != null && pointers.contains(here));
                if (!secret && !(depth < 4 && mayBeJsonDocument(parser))) {
                    continue; // most strings: looked at in the parser's buffer, never copied out
                }
                String value = parser.getText();
                String replacement = null;
                if (secret) {
                    replacement = SecretMasker.isMasked(value) ? null : masker.mask(value);
                } else if (depth < 4 && looksLikeJsonDocument(value)) {
                    // A JSON document inside a string (a spec's jsonStrings): masked inside by the same rules, with
                    // secret paths that lead into it (args.password) taken from there.
                    Set<String> inside = new HashSet<>();
                    if (here != null) {
                        for (String p : pointers) {
                            if (p.startsWith(here + "/")) {
                                inside.add(p.substring(here.length()));
                            }
                        }
                    }
                    String inner = maskJson(value, inside, masker, depth + 1);
                    replacement = inner == null || inner.equals(value) ? null : inner;
                }
                if (replacement != null) {
                    spans.add(new int[] {(int) parser.currentTokenLocation().getCharOffset(), (int) parser.currentLocation().getCharOffset()});
                    replacements.add(replacement);
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        for (int i = 0; i < spans.size(); i++) {
            int[] span = spans.get(i);
            out.append(text, pos, span[0]).append('"')
                    .append(JsonStringEncoder.getInstance().quoteAsString(replacements.get(i))).append('"');
            pos = span[1];
        }
        out.append(text, pos, text.length());
        return out.toString();
    }
}
