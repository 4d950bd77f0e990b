package dev.sockscope.decode;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.sockscope.decode.spec.FieldType;
import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.decode.spec.ProtocolSpec.HandshakeEvidence;
import dev.sockscope.decode.spec.ProtocolSpec.KindRule;
import dev.sockscope.decode.spec.ProtocolSpec.MessageSpec;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.QueryString;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Reads frames as one {@link ProtocolSpec} describes them. Stateless: pairing responses with requests is the
 * session's job ({@link SessionDecoder}); this class says which key a frame pairs by.
 */
public final class SpecDecoder {
    /** Strong evidence (subprotocol, header, cookie) scores this much; weak evidence (query, path, host) 1. */
    static final int STRONG = 2;

    private final ProtocolSpec spec;
    /** Finds the label field in text that is not valid JSON; null when the label is not one top-level field. */
    private final Pattern labelInText;
    /** The label values the table has entries for, looked up for every frame. */
    private final Set<String> knownValues;
    /** The label fields as warnings name them: {@code opcode}, {@code type/data.type}. */
    private final String labelFields;

    public SpecDecoder(ProtocolSpec spec) {
        this.spec = spec;
        this.labelInText = spec.label().fields().size() == 1 && spec.label().fields().get(0).isTopLevel()
                ? Pattern.compile("\"" + Pattern.quote(spec.label().fields().get(0).text())
                        + "\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.){1,200})\"|(-?\\d{1,18}))")
                : null;
        Set<String> values = new HashSet<>();
        spec.messages().forEach(m -> {
            if (m.value() != null) {
                values.add(m.value());
            }
        });
        this.knownValues = Set.copyOf(values);
        this.labelFields = String.join(spec.label().separator(), spec.label().fields().stream().map(JsonPath::text).toList());
    }

    public String name() {
        return spec.protocol();
    }

    public ProtocolSpec spec() {
        return spec;
    }

    /** How much the handshake says this is the protocol, and why. */
    public record Evidence(int score, List<String> reasons) {
    }

    /**
     * One decoded frame, with the key it pairs by (null when the protocol does not pair this frame), and whether
     * its label value is one the table lacks (a response then takes its request's label).
     */
    public record Decoded(FrameDecoding decoding, String correlationKey, boolean labelUnknown) {
        Decoded(FrameDecoding decoding, String correlationKey) {
            this(decoding, correlationKey, false);
        }
    }

    /** The warning prefix of a label value the table lacks; {@link SessionDecoder} drops it when a response inherits its request's label. */
    static final String NOT_IN_TABLE = " is not in the ";

    public Evidence evidence(SessionInfo session) {
        HandshakeEvidence e = spec.detect().handshake();
        Handshake h = session.handshake();
        int score = 0;
        List<String> reasons = new ArrayList<>();
        List<String> offered = Handshakes.offeredSubprotocols(h);
        for (String sp : e.subprotocols()) {
            if (offered.stream().anyMatch(o -> o.equalsIgnoreCase(sp))) {
                score += STRONG;
                reasons.add("subprotocol " + sp);
            }
        }
        for (Map.Entry<String, Pattern> want : e.headers().entrySet()) {
            for (Header header : h.requestHeaders()) {
                if (header.name().equalsIgnoreCase(want.getKey())
                        && (want.getValue() == null || want.getValue().matcher(header.value()).find())) {
                    score += STRONG;
                    reasons.add("header " + want.getKey());
                    break;
                }
            }
        }
        Map<String, String> cookies = Handshakes.cookies(h);
        for (String cookie : e.cookies()) {
            if (cookies.containsKey(cookie)) {
                score += STRONG;
                reasons.add("cookie " + cookie);
            }
        }
        Map<String, String> query = QueryString.decoded(h.query());
        for (String param : e.query()) {
            if (query.containsKey(param)) {
                score += 1;
                reasons.add("query " + param);
            }
        }
        if (e.path() != null && h.path() != null && e.path().matcher(h.path()).find()) {
            score += 1;
            reasons.add("path " + h.path());
        }
        if (e.host() != null) {
            String host = upstreamHost(session);
            if (host != null && e.host().matcher(host).find()) {
                score += 1;
                reasons.add("host " + host);
            }
        }
        return new Evidence(score, List.copyOf(reasons));
    }

    private static String upstreamHost(SessionInfo s) {
        try {
            return s.upstream() == null ? null : URI.create(s.upstream()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The content test of the spec; false when the spec has none (it can then only be chosen by handshake or by name). */
    public boolean recognises(JsonNode tree) {
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
     * Decodes one frame. {@code parsed} is its JSON parse (null for binary). Never throws for any input. Secret and
     * conventionally secret fields are masked in the tree the label and summary are made from.
     */
    public Decoded decode(RecordedFrame f, JsonText.Parsed parsed, SecretMasker masker) {
        if (f.type().isControl()) {
            return new Decoded(ControlFrames.decode(f, spec.closeCodes()), null);
        }
        if (f.type() == FrameType.BINARY) {
            return new Decoded(new FrameDecoding(name(), "binary", Kind.UNKNOWN, Previews.hex(f.payload()), null, null,
                    List.of(Warning.of(Warning.Code.UNEXPECTED_BINARY, name() + " frames are JSON text; this one is binary"))), null);
        }
        if (!(parsed instanceof JsonText.Ok ok)) {
            return new Decoded(malformed(f, parsed instanceof JsonText.Invalid invalid ? invalid.reason() : "invalid JSON", masker), null);
        }
        JsonNode tree = ok.tree();
        List<Warning> warnings = new ArrayList<>();
        unwrapJsonStrings(tree, warnings);
        maskSecrets(tree, masker);
        checkTypes(spec.detect().content() == null ? Map.of() : spec.detect().content().require(), tree, warnings);

        Kind kind = Kind.UNKNOWN;
        for (KindRule rule : spec.kinds()) {
            if (rule.when().matches(f.from(), tree)) {
                kind = rule.kind();
                if (rule.warning() != null) {
                    warnings.add(Warning.of(Warning.Code.SPEC_RULE, rule.warning()));
                }
                break;
            }
        }
        String value = labelValue(tree);
        MessageSpec entry = find(value, f.from(), kind, tree);
        boolean known = value.isEmpty() || spec.label().fields().isEmpty() || knownValues.contains(value);
        String label;
        Template summary = null;
        if (entry != null && known) {
            label = spec.label().format().render(tree, names(entry.name() != null ? entry.name() : nameFor(value, f.from()), value));
            summary = entry.summary();
            checkTypes(entry.fields(), tree, warnings);
        } else if (known && !value.isEmpty()) {
            // A known value, but no entry for this direction or kind: named, summarised generically.
            label = spec.label().format().render(tree, names(nameFor(value, f.from()), value));
        } else if (!known) {
            MessageSpec guess = guess(tree, f.from());
            if (guess != null) {
                String guessed = guess.name() != null ? guess.name() : nameFor(guess.value(), f.from());
                label = spec.label().guess().render(tree, names(guessed, value));
                summary = entry != null ? entry.summary() : guess.summary();
                warnings.add(Warning.of(Warning.Code.NOT_IN_TABLE, labelFields + " " + value + NOT_IN_TABLE + name()
                        + " table; the fields match " + guessed + (guessed.equals(guess.value()) ? "" : " (" + guess.value() + ")")));
            } else {
                label = spec.label().unknown().render(tree, names(value, value));
                summary = entry == null ? null : entry.summary();
                warnings.add(Warning.of(Warning.Code.NOT_IN_TABLE, labelFields + " " + value + NOT_IN_TABLE + name() + " table"));
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
        String key = null;
        if (spec.correlate() != null) {
            JsonNode k = spec.correlate().key().find(tree);
            key = k == null ? null : k.isValueNode() ? k.asText() : k.toString();
        }
        return new Decoded(new FrameDecoding(name(), label, kind, Filters.truncate(text, 240), null, null, warnings), key, !known);
    }

    /**
     * The decoded tree of a frame for display: nested JSON strings unwrapped, secrets (the spec's, conventionally
     * named fields, JWT signatures) masked. Null for frames that are not JSON.
     */
    public JsonNode tree(RecordedFrame f, SecretMasker masker) {
        if (f.type() != FrameType.TEXT) {
            return null;
        }
        if (!(JsonText.parse(f.payload()) instanceof JsonText.Ok ok)) {
            return null;
        }
        unwrapJsonStrings(ok.tree(), new ArrayList<>());
        maskSecrets(ok.tree(), masker);
        return ok.tree();
    }

    public List<JsonPath> secrets() {
        return spec.secrets();
    }

    private String labelValue(JsonNode tree) {
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

    private void maskSecrets(JsonNode tree, SecretMasker masker) {
        for (JsonPath p : spec.secrets()) {
            JsonNode v = p.find(tree);
            if (v != null && v.isValueNode() && !SecretMasker.isMasked(v.asText())) {
                p.replace(tree, TextNode.valueOf(masker.mask(v.asText())));
            }
        }
        PayloadMasker.maskTree(tree, masker, 0);
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

    /**
     * Invalid JSON: still labelled when the label field can be found in the text with a value the table knows (the
     * first such occurrence; nested fields of the same name hold other values), and always kept.
     */
    private FrameDecoding malformed(RecordedFrame f, String error, SecretMasker masker) {
        String text = f.text();
        String label = "invalid JSON";
        if (labelInText != null) {
            Matcher m = labelInText.matcher(text);
            while (m.find()) {
                String value = m.group(1) != null ? m.group(1) : m.group(2);
                if (knownValues.contains(value)) {
                    label = spec.label().format().render(null, names(nameFor(value, f.from()), value));
                    break;
                }
            }
        }
        Set<String> names = new HashSet<>();
        spec.secrets().forEach(p -> names.add(p.lastName()));
        String preview = Previews.text(PayloadMasker.maskUnparsed(text, names, masker).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new FrameDecoding(name(), label, Kind.UNKNOWN, preview, null, null, List.of(Warning.of(Warning.Code.INVALID_JSON, error)));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
