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

    /** The payload with the values at {@code paths} masked, or null when none of them is present. */
    public static byte[] mask(String text, List<JsonPath> paths) {
        if (paths.isEmpty()) {
            return null;
        }
        Set<String> pointers = new HashSet<>();
        for (JsonPath p : paths) {
            pointers.add("/" + String.join("/", p.parts()));
        }
        List<int[]> spans = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (JsonParser parser = JsonText.MAPPER.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (t.isScalarValue() && pointers.contains(parser.getParsingContext().pathAsPointer().toString())) {
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
