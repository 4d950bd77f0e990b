package dev.sockscope.decode.spec;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/** The JSON type a spec expects at a field path. */
public enum FieldType {
    STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY, ANY;

    public boolean accepts(JsonNode node) {
        return switch (this) {
            case STRING -> node.isTextual();
            case NUMBER -> node.isNumber();
            case INTEGER -> node.isIntegralNumber();
            case BOOLEAN -> node.isBoolean();
            case OBJECT -> node.isObject();
            case ARRAY -> node.isArray();
            case ANY -> true;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The JSON type of a node, as the warnings name it. */
    public static String typeOf(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        return "null";
    }

    @JsonCreator
    public static FieldType fromLabel(String label) {
        for (FieldType t : values()) {
            if (t.label().equalsIgnoreCase(label.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a field type (string, number, integer, boolean,"
                + " object, array, any)");
    }
}
