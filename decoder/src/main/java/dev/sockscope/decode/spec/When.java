package dev.sockscope.decode.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.JsonPath;
import dev.sockscope.wire.Direction;

/**
 * A condition on a frame, as specs write it: {@code {from: server, cmd: [1, 3], data.who: 0}}. Every entry must
 * hold. {@code from} is the sender; a list means any of its values; {@code '*'} means present; {@code null}
 * means missing. Values compare as text, so {@code 19} and {@code "19"} are the same.
 */
public final class When {
    public static final When ALWAYS = new When(null, Map.of());

    private final Direction from;
    private final Map<JsonPath, List<JsonNode>> fields;

    private When(Direction from, Map<JsonPath, List<JsonNode>> fields) {
        this.from = from;
        this.fields = fields;
    }

    @JsonCreator
    public static When of(Map<String, JsonNode> entries) {
        Direction from = null;
        Map<JsonPath, List<JsonNode>> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
            if (e.getKey().equals("from")) {
                from = parseFrom(e.getValue() == null ? null : e.getValue().asText());
                continue;
            }
            List<JsonNode> allowed = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v != null && v.isArray()) {
                v.forEach(allowed::add);
            } else {
                allowed.add(v);
            }
            fields.put(JsonPath.parse(e.getKey()), allowed);
        }
        return new When(from, Map.copyOf(fields));
    }

    static Direction parseFrom(String from) {
        if (from == null) {
            return null;
        }
        return switch (from.trim()) {
            case "client" -> Direction.CLIENT_TO_SERVER;
            case "server" -> Direction.SERVER_TO_CLIENT;
            default -> throw new IllegalArgumentException("from: '" + from + "' is not a sender (client or server)");
        };
    }

    public boolean matches(Direction direction, JsonNode tree) {
        if (from != null && from != direction) {
            return false;
        }
        for (Map.Entry<JsonPath, List<JsonNode>> e : fields.entrySet()) {
            JsonNode actual = tree == null ? null : e.getKey().find(tree);
            if (!anyMatches(e.getValue(), actual)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatches(List<JsonNode> allowed, JsonNode actual) {
        for (JsonNode expected : allowed) {
            if (expected == null || expected.isNull()) {
                if (actual == null) {
                    return true;
                }
            } else if (actual != null) {
                String want = expected.asText();
                if (want.equals("*") || want.equals(actual.isValueNode() ? actual.asText() : actual.toString())) {
                    return true;
                }
                if (expected.isNumber() && actual.isNumber() && expected.decimalValue().compareTo(actual.decimalValue()) == 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
