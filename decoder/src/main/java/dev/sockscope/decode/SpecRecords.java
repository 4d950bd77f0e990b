package dev.sockscope.decode;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.re2j.Pattern;

import dev.sockscope.decode.spec.FieldType;
import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.decode.spec.ProtocolSpec.KindRule;
import dev.sockscope.decode.spec.ProtocolSpec.MessageSpec;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;

/**
 * Reads one record (a JSON frame, or a record a spec's framing cut) as a {@link ProtocolSpec} describes it: its
 * kind, its label from the table, its summary, its warnings. Stateless.
 */
final class SpecRecords {
    /** The warning prefix of a label value the table lacks. */
    static final String NOT_IN_TABLE = " is not in the ";

    private final ProtocolSpec spec;
    /** {@code "field"}: the label field as it starts in text that is not valid JSON; null when it is not one top-level field. */
    private final String labelInText;
    /** The label values the table has entries for, looked up for every frame. */
    private final Set<String> knownValues;
    /** The label fields as warnings name them: {@code opcode}, {@code type/data.type}. */
    private final String labelFields;

    /**
     * What a record is.
     *
     * @param labelValue   the value of the label fields ("" when they are missing)
     * @param labelUnknown the value is one the table lacks, or the record has no label field: an answer then takes
     *                     its request's label
     */
    record Read(String label, Kind kind, String summary, List<Warning> warnings, String labelValue, boolean labelUnknown) {
    }

    SpecRecords(ProtocolSpec spec) {
        this.spec = spec;
        this.labelInText = spec.label().fields().size() == 1 && spec.label().fields().get(0).isTopLevel()
                ? "\"" + spec.label().fields().get(0).text() + "\"" : null;
        Set<String> values = new HashSet<>();
        spec.messages().forEach(m -> {
            if (m.value() != null) {
                values.add(m.value());
            }
        });
        this.knownValues = Set.copyOf(values);
        this.labelFields = String.join(spec.label().separator(), spec.label().fields().stream().map(JsonPath::text).toList());
    }

    /** The content test of the spec; false when the spec has none (it can then only be chosen by handshake or by name). */
    boolean recognises(JsonNode tree) {
        ProtocolSpec.ContentTest test = spec.detect().content();
        if (test == null || tree == null || !tree.isObject()) {
            return false;
        }
        for (Map.Entry<JsonPath, FieldType> r : test.require().entrySet()) {
            JsonNode v = r.getKey().find(tree);
            if (v == null || !r.getValue().accepts(v)) {
                return false;
            }
        }
        for (Map.Entry<JsonPath, Pattern> m : test.match().entrySet()) {
            JsonNode v = m.getKey().find(tree);
            if (v == null || !v.isValueNode() || !m.getValue().matcher(v.asText()).find()) {
                return false;
            }
        }
        if (test.knownLabel()) {
            return knownValues.contains(labelValue(tree));
        }
        return true;
    }

    /**
     * Unwraps the spec's JSON strings and masks secrets (the spec's, conventionally named fields, JWT signatures) in
     * place: the tree labels, summaries and the inspector are made from.
     */
    void prepare(JsonNode tree, SecretMasker masker, List<Warning> warnings) {
        unwrapJsonStrings(tree, warnings);
        for (JsonPath p : spec.secrets()) {
            JsonNode v = p.find(tree);
            if (v != null && v.isValueNode() && !SecretMasker.isMasked(v.asText())) {
                p.replace(tree, TextNode.valueOf(masker.mask(v.asText())));
            }
        }
        PayloadMasker.maskTree(tree, masker, 0);
    }

    /** Reads a prepared record sent by {@code from}; {@code warnings} holds what preparing it found, and more is added. */
    Read read(Direction from, JsonNode tree, List<Warning> warnings) {
        checkTypes(spec.detect().content() == null ? Map.of() : spec.detect().content().require(), tree, warnings);
        Kind kind = Kind.UNKNOWN;
        Template ruleLabel = null;
        for (KindRule rule : spec.kinds()) {
            if (rule.when().matches(from, tree)) {
                kind = rule.kind();
                ruleLabel = rule.label();
                if (rule.warning() != null) {
                    warnings.add(Warning.of(Warning.Code.SPEC_RULE, rule.warning()));
                }
                break;
            }
        }
        String value = labelValue(tree);
        MessageSpec entry = find(value, from, kind, tree);
        boolean inTable = value.isEmpty() || spec.label().fields().isEmpty() || knownValues.contains(value);
        boolean known = inTable || spec.label().anyValue();
        String label;
        Template summary = null;
        if (ruleLabel != null) {
            label = ruleLabel.render(tree, names(value, value));
            summary = entry == null ? null : entry.summary();
        } else if (entry != null && known) {
            label = spec.label().format().render(tree, names(entry.name() != null ? entry.name() : nameFor(value, from), value));
            summary = entry.summary();
            checkTypes(entry.fields(), tree, warnings);
        } else if (known && !value.isEmpty()) {
            // A known value, but no entry for this direction or kind: named, summarised generically.
            label = spec.label().format().render(tree, names(nameFor(value, from), value));
        } else if (!known) {
            MessageSpec guess = guess(tree, from);
            if (guess != null) {
                String guessed = guess.name() != null ? guess.name() : nameFor(guess.value(), from);
                label = spec.label().guess().render(tree, names(guessed, value));
                summary = entry != null ? entry.summary() : guess.summary();
                warnings.add(Warning.of(Warning.Code.NOT_IN_TABLE, labelFields + " " + value + NOT_IN_TABLE + spec.protocol()
                        + " table; the fields match " + guessed + (guessed.equals(guess.value()) ? "" : " (" + guess.value() + ")")));
            } else {
                label = spec.label().unknown().render(tree, names(value, value));
                summary = entry == null ? null : entry.summary();
                warnings.add(Warning.of(Warning.Code.NOT_IN_TABLE, labelFields + " " + value + NOT_IN_TABLE + spec.protocol() + " table"));
            }
        } else if (spec.label().fields().isEmpty()) {
            label = kind.label();
        } else {
            label = "no " + spec.label().fields().get(0).text();
            warnings.add(Warning.of(Warning.Code.NO_LABEL_FIELD, "the frame has no " + labelFields + " field"));
        }
        String text = summary == null ? null : summary.render(tree, names(label, value));
        if (text == null || text.isBlank()) {
            text = defaultSummary(kind, tree);
        }
        boolean missing = value.isEmpty() && !spec.label().fields().isEmpty() && ruleLabel == null;
        return new Read(label, kind, Filters.truncate(text, 240), warnings, value, !known || missing);
    }

    /**
     * Text that is not valid JSON: still labelled when the label field can be found in the text with a value the table
     * knows (the first such occurrence; nested fields of the same name hold other values), and always kept.
     */
    Read malformed(Direction from, String text, String error, SecretMasker masker) {
        String label = "invalid JSON";
        String value = labelInText == null ? null : knownValueInText(text);
        if (value != null) {
            label = spec.label().format().render(null, names(nameFor(value, from), value));
        }
        Set<String> names = new HashSet<>();
        spec.secrets().forEach(p -> names.add(p.lastName()));
        String preview = Previews.text(PayloadMasker.maskUnparsed(text, names, masker).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Read(label, Kind.UNKNOWN, preview, List.of(Warning.of(Warning.Code.INVALID_JSON, error)), "", false);
    }

    /**
     * The first value of the label field in broken JSON that the table knows: {@code "field" : "value"} (1 to 200
     * characters, escapes kept as written) or {@code "field" : -123} (up to 18 digits). A scan of the text in one
     * pass, so that no frame can make it slow.
     */
    private String knownValueInText(String text) {
        int at = 0;
        while ((at = text.indexOf(labelInText, at)) >= 0) {
            int i = skipSpace(text, at + labelInText.length());
            at += labelInText.length();
            if (i >= text.length() || text.charAt(i) != ':') {
                continue;
            }
            i = skipSpace(text, i + 1);
            String value = null;
            if (i < text.length() && text.charAt(i) == '"') {
                int j = i + 1;
                int chars = 0;
                while (j < text.length() && text.charAt(j) != '"' && chars <= 200) {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                    chars++;
                }
                if (j < text.length() && text.charAt(j) == '"' && chars >= 1 && chars <= 200) {
                    value = text.substring(i + 1, j);
                }
            } else {
                int j = i < text.length() && text.charAt(i) == '-' ? i + 1 : i;
                int digits = 0;
                while (j + digits < text.length() && digits < 18 && text.charAt(j + digits) >= '0' && text.charAt(j + digits) <= '9') {
                    digits++;
                }
                value = digits == 0 ? null : text.substring(i, j + digits);
            }
            if (value != null && knownValues.contains(value)) {
                return value;
            }
        }
        return null;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    String labelValue(JsonNode tree) {
        StringBuilder value = new StringBuilder();
        for (JsonPath p : spec.label().fields()) {
            JsonNode v = p.find(tree);
            if (v != null && v.isValueNode()) {
                if (value.length() > 0) {
                    value.append(spec.label().separator());
                }
                value.append(v.asText());
            }
        }
        return value.toString();
    }

    private MessageSpec find(String value, Direction from, Kind kind, JsonNode tree) {
        for (MessageSpec m : spec.messages()) {
            if ((m.value() == null || m.value().equals(value))
                    && (m.direction() == null || m.direction() == from)
                    && (m.kind() == null || m.kind() == kind)
                    && m.when().matches(from, tree)) {
                return m;
            }
        }
        return null;
    }

    /**
     * An unknown value whose fields are exactly those of a known entry is probably that entry under another number
     * (seed 000's examples send 76, 152 and 60 for what its headings call 49, 64 and 83). The entry with the most
     * fields, all present, wins; at least two fields are needed to guess at all.
     */
    private MessageSpec guess(JsonNode tree, Direction from) {
        MessageSpec best = null;
        for (MessageSpec m : spec.messages()) {
            if (m.value() == null || m.fields().size() < 2 || (m.direction() != null && m.direction() != from)) {
                continue;
            }
            boolean all = m.fields().keySet().stream().allMatch(p -> p.find(tree) != null);
            if (all && (best == null || m.fields().size() > best.fields().size())) {
                best = m;
            }
        }
        return best;
    }

    /**
     * The name a value goes by when its entry has none: the first named entry for the same value (an error entry
     * that covers every opcode still shows the opcode's name), preferring one for this sender, else the value.
     */
    private String nameFor(String value, Direction from) {
        String any = null;
        for (MessageSpec other : spec.messages()) {
            if (other.name() != null && value.equals(other.value())) {
                if (other.direction() == null || other.direction() == from) {
                    return other.name();
                }
                any = any == null ? other.name() : any;
            }
        }
        return any != null ? any : value;
    }

    private static Map<String, String> names(String name, String value) {
        return Map.of("name", name == null ? "" : name, "value", value == null ? "" : value);
    }

    private static String defaultSummary(Kind kind, JsonNode tree) {
        if (kind == Kind.RESPONSE) {
            return "ok";
        }
        return Previews.json(tree);
    }

    private void unwrapJsonStrings(JsonNode tree, List<Warning> warnings) {
        for (JsonPath p : spec.jsonStrings()) {
            JsonNode v = p.find(tree);
            if (v != null && v.isTextual()) {
                JsonText.Parsed inner = JsonText.parse(v.asText());
                if (inner instanceof JsonText.Ok ok) {
                    p.replace(tree, ok.tree());
                } else if (inner instanceof JsonText.Invalid invalid) {
                    warnings.add(Warning.of(Warning.Code.INVALID_NESTED_JSON, p.text() + " should hold JSON text: " + invalid.reason()));
                }
            }
        }
    }

    private static void checkTypes(Map<JsonPath, FieldType> types, JsonNode tree, List<Warning> warnings) {
        for (Map.Entry<JsonPath, FieldType> t : types.entrySet()) {
            JsonNode v = t.getKey().find(tree);
            if (v != null && !t.getValue().accepts(v)) {
                warnings.add(Warning.of(Warning.Code.WRONG_TYPE, t.getKey().text() + " should be " + article(t.getValue().label())
                        + ", not " + article(FieldType.typeOf(v))));
            }
        }
    }

    private static String article(String type) {
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }
}
