package dev.sockscope.decode;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a frame is for, as far as its protocol says. Stored with the frame so that it can be filtered on; recordings
 * store the ordinal, so never reorder these, only add at the end.
 */
public enum Kind {
    REQUEST, RESPONSE, ERROR, EVENT, HEARTBEAT, CONTROL, UNKNOWN;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind fromLabel(String label) {
        for (Kind k : values()) {
            if (k.label().equalsIgnoreCase(label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a kind (request, response, error, event, heartbeat,"
                + " control, unknown)");
    }
}
