package dev.sockscope.ui.views;

import java.util.Base64;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.Utf8Validator;

/**
 * A frame as --json and the HTTP API show it: {@code text} for text frames (and {@code base64} as well
 * when the bytes are not valid UTF-8), {@code base64} for the others, close code and reason for close frames.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FrameView(long seq, String time, long timeMicros, String from, String type, int size, int fragments,
                        String text, String base64, Integer closeCode, String closeReason, String note) {

    public static FrameView of(RecordedFrame f) {
        String text = null;
        String base64 = null;
        if (f.type() == FrameType.TEXT) {
            text = f.text();
            if (!Utf8Validator.isValid(f.payload())) {
                base64 = Base64.getEncoder().encodeToString(f.payload());
            }
        } else {
            base64 = Base64.getEncoder().encodeToString(f.payload());
        }
        return new FrameView(f.seq(), Times.iso(f.timeMicros()), f.timeMicros(), f.from().sender(), f.type().label(),
                f.size(), f.fragments(), text, base64, f.closeCode(), f.closeReason(), f.note());
    }
}
