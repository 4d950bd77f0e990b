package dev.sockscope.decode;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a frame is for, as far as its protocol says. Stored with the frame so that it can be filtered on, by its
 * {@link #code()}: a code is a contract with every recording ever made, so never change one; a new kind takes a
 * new code (a golden test pins them).
 */
public enum Kind {
    REQUEST(0), RESPONSE(1), ERROR(2), EVENT(3), HEARTBEAT(4), CONTROL(5), UNKNOWN(6);

    private final int code;

    Kind(int code) {
        this.code = code;
    }

    /** The byte that stands for this kind in stored frame blocks. */
    public int code() {
        return code;
    }

    /** The kind a stored code stands for; a code this version does not know reads as UNKNOWN. */
    public static Kind fromCode(int code) {
        for (Kind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return UNKNOWN;
    }

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
