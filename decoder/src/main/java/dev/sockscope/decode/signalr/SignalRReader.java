package dev.sockscope.decode.signalr;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.Filters;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.FrameType;

/**
 * Reads one session of the JSON hub protocol: each text frame cut into its 0x1E-terminated records, each record
 * decoded, and a frame of several records made one decoding as spec framing does (labels joined, the first kind that
 * is not a heartbeat, summaries joined, every record's correlations), so that each record is paired.
 */
final class SignalRReader implements FrameReader {
    private static final int SUMMARY_CHARS = 240;

    private final Invocations invocations = new Invocations();

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY) {
            return new DecodeResult.NotMine("a binary frame: the MessagePack hub protocol is not decoded, the JSON one is");
        }
        String text = frame.text();
        List<HubRecords.Record> records = HubRecords.cut(text);
        if (records.isEmpty()) {
            return new DecodeResult.Failed("empty", "a hub protocol frame holds at least one record");
        }
        List<DecodeResult.Decoded> parts = new ArrayList<>(records.size());
        for (HubRecords.Record r : records) {
            parts.add(record(r, frame));
        }
        DecodeResult.Decoded d = parts.size() == 1 ? parts.get(0) : combined(parts);
        if (!records.get(records.size() - 1).terminated()) {
            d = d.withWarning(Warning.of(Warning.Code.MALFORMED, "the last record is not ended by the record separator 0x1E"));
        }
        return d;
    }

    /** One record; credentials in it were masked before the reader saw the frame (the session's pass over JSON-like text). */
    private DecodeResult.Decoded record(HubRecords.Record r, FrameInput frame) {
        if (!(JsonText.parse(r.text()) instanceof JsonText.Ok ok) || !ok.tree().isObject()) {
            return DecodeResult.Decoded.of("invalid record", Kind.UNKNOWN, Filters.truncate(r.text(), 120))
                    .withWarning(Warning.of(Warning.Code.MALFORMED, "a hub protocol record is one JSON object"));
        }
        return RecordDecoding.of(ok.tree(), frame.from(), invocations);
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
            summary.append(summary.length() > 0 ? " | " : "").append(d.summary());
            if (kind == null && d.kind() != Kind.HEARTBEAT || d.kind() == Kind.ERROR) {
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
