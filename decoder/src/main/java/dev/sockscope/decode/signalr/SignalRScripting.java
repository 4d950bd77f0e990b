package dev.sockscope.decode.signalr;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/** Replay and mock: invocation ids are renumbered from run to run; a recorded answer is sent with the live invocation's id. */
final class SignalRScripting implements Scripting {

    @Override
    public List<FieldPattern> keyFields() {
        return List.of(FieldPattern.parse("invocationId"), FieldPattern.parse("[*].invocationId"));
    }

    @Override
    public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
        String recorded = invocationId(recordedRequest);
        String live = invocationId(liveRequest);
        if (recorded == null || live == null || recorded.equals(live) || answer.type() != FrameType.TEXT) {
            return answer.payload();
        }
        // The ids are JSON strings of digits in practice; written the same way in every record of the answer.
        String text = answer.text().replace("\"invocationId\":\"" + recorded + "\"", "\"invocationId\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(live).toString());
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The invocationId of the first record of a frame that has one, or null. */
    private static String invocationId(RecordedFrame f) {
        if (f.type() != FrameType.TEXT) {
            return null;
        }
        for (HubRecords.Record r : HubRecords.cut(f.text())) {
            if (JsonText.parse(r.text()) instanceof JsonText.Ok ok) {
                JsonNode id = ok.tree().get("invocationId");
                if (id != null && id.isTextual()) {
                    return id.textValue();
                }
            }
        }
        return null;
    }
}
