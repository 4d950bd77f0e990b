package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Utf8Validator;

/**
 * Reads a session's frames as a spec describes them: each text frame as one JSON document, or as the records its
 * framing cuts (several records make one decoding: their labels joined, the first kind that is not a heart-beat, their
 * summaries, correlations and secrets together). Keeps no state between frames.
 */
final class SpecReader implements FrameReader {
    private static final int SUMMARY_CHARS = 240;

    private final SpecDecoder decoder;
    private final ProtocolSpec spec;
    private final SecretMasker masker;

    SpecReader(SpecDecoder decoder, SecretMasker masker) {
        this.decoder = decoder;
        this.spec = decoder.spec();
        this.masker = masker;
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY && !(readsBinaryAsText() && Utf8Validator.isValid(frame.payload()))) {
            return DecodeResult.Decoded.of("binary", Kind.UNKNOWN, Previews.hex(frame.payload()))
                    .withWarning(Warning.of(Warning.Code.UNEXPECTED_BINARY, decoder.name() + " frames are "
                            + (spec.framing() == null ? "JSON " : "") + "text; this one is binary"));
        }
        if (spec.framing() == null) {
            JsonText.Parsed parsed = frame.parsed();
            if (!(parsed instanceof JsonText.Ok ok)) {
                SpecRecords.Read bad = decoder.records().malformed(frame.from(), frame.text(),
                        parsed instanceof JsonText.Invalid invalid ? invalid.reason() : "invalid JSON", masker);
                return new DecodeResult.Decoded(bad.label(), bad.kind(), bad.summary(), bad.warnings(), null, List.of(), List.of(), null);
            }
            return record(frame.from(), ok.tree(), List.of());
        }
        return framed(frame);
    }

    private boolean readsBinaryAsText() {
        return spec.framing() != null && spec.framing().binary().equals("text");
    }

    /** One JSON record: prepared (unwrapped, masked), read, and correlated. */
    private DecodeResult.Decoded record(Direction from, JsonNode tree, List<Warning> earlier) {
        List<Warning> warnings = earlier.isEmpty() ? new ArrayList<>(2) : new ArrayList<>(earlier);
        decoder.records().prepare(tree, masker, warnings);
        SpecRecords.Read read = decoder.records().read(from, tree, warnings);
        List<Correlation> correlations = List.of();
        for (SpecCorrelation c : decoder.correlations()) {
            Correlation found = c.of(from, read.kind(), tree, read.labelUnknown());
            if (found != null) {
                correlations = correlations.isEmpty() ? new ArrayList<>(2) : correlations;
                correlations.add(found);
            }
        }
        return new DecodeResult.Decoded(read.label(), read.kind(), read.summary(), read.warnings(), () -> tree, List.of(),
                correlations, null);
    }

    private DecodeResult framed(FrameInput frame) {
        String text = frame.text();
        List<SpecFraming.Record> cut = SpecFraming.cut(spec.framing(), text);
        if (cut.isEmpty()) {
            return DecodeResult.Decoded.of("empty", Kind.UNKNOWN, "empty")
                    .withWarning(Warning.of(Warning.Code.FRAMING, "the frame holds no record"));
        }
        List<DecodeResult.Decoded> parts = new ArrayList<>(cut.size());
        for (SpecFraming.Record r : cut) {
            if (r.tree() == null) {
                SpecRecords.Read bad = decoder.records().malformed(frame.from(), text.substring(r.start(), r.end()), r.invalid(), masker);
                parts.add(new DecodeResult.Decoded(bad.label(), bad.kind(), bad.summary(), bad.warnings(), null, List.of(), List.of(), null));
                continue;
            }
            List<Secret> secrets = secrets(text, r);
            parts.add(record(frame.from(), r.tree(), r.warnings()).withSecrets(secrets));
        }
        return parts.size() == 1 ? parts.get(0) : combined(parts);
    }

    /**
     * Where the record's secrets are in the frame: fields the spec names (a regex group, {@code headers.passcode}) and
     * headers with a conventional credential name, as spans; in a JSON body, the spec's paths under the body field and
     * conventionally named fields.
     */
    private List<Secret> secrets(String text, SpecFraming.Record r) {
        List<Secret> out = new ArrayList<>(0);
        if (r.root()) {
            // Checked before the tree is masked for display: the stored payload needs the same values masked.
            if (r.tree() != null && PayloadMasker.mayHoldSecrets(r.tree(), spec.secrets())) {
                List<FieldPattern> fields = new ArrayList<>();
                spec.secrets().forEach(p -> fields.add(FieldPattern.parse(r.element() ? "[*]." + p.text() : p.text())));
                Secret.Span span = Secret.inText(text, r.start(), r.end());
                out.add(new Secret.Json(span.start(), span.end(), fields));
            }
            return out;
        }
        String body = spec.framing().bodyField();
        List<FieldPattern> inBody = new ArrayList<>();
        List<JsonPath> inBodyPaths = new ArrayList<>();
        for (JsonPath p : spec.secrets()) {
            int[] span = r.fields().get(p.text());
            if (span != null) {
                out.add(Secret.inText(text, span[0], span[1]));
            } else if (p.text().startsWith(body + ".")) {
                String rest = p.text().substring(body.length() + 1);
                inBody.add(FieldPattern.parse(rest));
                inBodyPaths.add(JsonPath.parse(rest));
            }
        }
        for (Map.Entry<String, int[]> f : r.fields().entrySet()) {
            if (f.getKey().startsWith("headers.") && PayloadMasker.isConventionalSecret(f.getKey().substring("headers.".length()))
                    && spec.secrets().stream().noneMatch(p -> p.text().equals(f.getKey()))) {
                out.add(Secret.inText(text, f.getValue()[0], f.getValue()[1]));
            }
        }
        if (r.bodyJson()) {
            JsonNode bodyTree = r.tree().get(body);
            // Checked before the tree is masked for display: the stored payload needs the same values masked.
            if (bodyTree != null && PayloadMasker.mayHoldSecrets(bodyTree, inBodyPaths)) {
                Secret.Span span = Secret.inText(text, r.bodyStart(), r.bodyEnd());
                out.add(new Secret.Json(span.start(), span.end(), inBody));
            }
        }
        return out;
    }

    /** Several records of one frame as one decoding. */
    private static DecodeResult.Decoded combined(List<DecodeResult.Decoded> parts) {
        LinkedHashSet<String> labels = new LinkedHashSet<>();
        StringBuilder summary = new StringBuilder();
        Kind kind = null;
        List<Warning> warnings = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        List<Correlation> correlations = new ArrayList<>();
        List<DecodeResult.TreeSource> trees = new ArrayList<>();
        for (DecodeResult.Decoded d : parts) {
            labels.add(d.label());
            if (summary.length() > 0) {
                summary.append(" · ");
            }
            summary.append(d.summary());
            if (kind == null && d.kind() != Kind.HEARTBEAT) {
                kind = d.kind();
            }
            warnings.addAll(d.warnings());
            secrets.addAll(d.secrets());
            correlations.addAll(d.correlations());
            trees.add(d.tree());
        }
        DecodeResult.TreeSource tree = () -> {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            for (DecodeResult.TreeSource t : trees) {
                JsonNode n = t == null ? null : t.build();
                all.add(n == null ? JsonNodeFactory.instance.nullNode() : n);
            }
            return all;
        };
        return new DecodeResult.Decoded(String.join(" + ", labels), kind == null ? Kind.HEARTBEAT : kind,
                Filters.truncate(summary.toString(), SUMMARY_CHARS), warnings, tree, secrets, correlations, null);
    }
}
