package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.decode.spec.Framing;
import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Replay and mock for a spec: its {@code volatile} fields, its correlation keys, and a recorded answer addressed to a
 * live request by setting the answer's key (a JSON field, a framing group, a header, a field of a JSON body) to the
 * live request's.
 */
final class SpecScripting implements Scripting {
    private final ProtocolSpec spec;

    SpecScripting(SpecDecoder decoder) {
        this.spec = decoder.spec();
    }

    @Override
    public List<FieldPattern> volatileFields() {
        return spec.volatileFields();
    }

    @Override
    public List<FieldPattern> keyFields() {
        List<FieldPattern> out = new ArrayList<>();
        for (ProtocolSpec.Correlate c : spec.correlate()) {
            out.add(FieldPattern.parse(c.requestKey().text()));
            if (!c.responseKey().equals(c.requestKey())) {
                out.add(FieldPattern.parse(c.responseKey().text()));
            }
        }
        return out;
    }

    @Override
    public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
        if (spec.correlate().isEmpty() || answer.type() != FrameType.TEXT || liveRequest.type() != FrameType.TEXT) {
            return answer.payload();
        }
        try {
            String rewritten = spec.framing() == null ? json(answer.text(), liveRequest.text()) : framed(answer.text(), liveRequest.text());
            return rewritten == null ? answer.payload() : rewritten.getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException cannot) {
            return answer.payload();
        }
    }

    private String json(String answer, String live) throws IOException {
        JsonNode liveTree = JsonText.MAPPER.readTree(live);
        JsonNode answerTree = JsonText.MAPPER.readTree(answer);
        if (liveTree == null || answerTree == null) {
            return null;
        }
        for (ProtocolSpec.Correlate c : spec.correlate()) {
            JsonNode key = c.requestKey().find(liveTree);
            if (key != null && c.responseKey().find(answerTree) != null && c.responseKey().replace(answerTree, key)) {
                return JsonText.MAPPER.writeValueAsString(answerTree);
            }
        }
        return null;
    }

    private String framed(String answer, String live) throws IOException {
        Framing framing = spec.framing();
        List<SpecFraming.Record> answers = SpecFraming.cut(framing, answer);
        List<SpecFraming.Record> lives = SpecFraming.cut(framing, live);
        if (answers.size() != 1 || lives.size() != 1 || answers.get(0).tree() == null || lives.get(0).tree() == null) {
            return null;
        }
        SpecFraming.Record a = answers.get(0);
        for (ProtocolSpec.Correlate c : spec.correlate()) {
            JsonNode key = c.requestKey().find(lives.get(0).tree());
            if (key == null || c.responseKey().find(a.tree()) == null) {
                continue;
            }
            if (a.root() && !a.element()) {
                // The record is the JSON document itself (a separator's record, a batch of one): set the field in it.
                JsonNode record = JsonText.MAPPER.readTree(answer.substring(a.start(), a.end()));
                if (c.responseKey().replace(record, key)) {
                    return answer.substring(0, a.start()) + JsonText.MAPPER.writeValueAsString(record) + answer.substring(a.end());
                }
                continue;
            }
            String value = SpecCorrelation.value(key);
            int[] span = a.fields().get(c.responseKey().text());
            if (span != null) {
                return answer.substring(0, span[0]) + value + answer.substring(span[1]);
            }
            String body = framing.bodyField() + ".";
            if (a.bodyJson() && c.responseKey().text().startsWith(body)) {
                JsonNode bodyTree = JsonText.MAPPER.readTree(answer.substring(a.bodyStart(), a.bodyEnd()));
                if (JsonPath.parse(c.responseKey().text().substring(body.length())).replace(bodyTree, key)) {
                    return answer.substring(0, a.bodyStart()) + JsonText.MAPPER.writeValueAsString(bodyTree) + answer.substring(a.bodyEnd());
                }
            }
        }
        return null;
    }
}
