package dev.sockscope.ui.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;

/** Paths in a JSON tree as segments (field names, array indexes as {@code [3]}), and the dotted text people read. */
final class TreePaths {
    private TreePaths() {
    }

    /** Visits every value that is not an object or an array, with its path. */
    static void leaves(JsonNode node, BiConsumer<List<String>, JsonNode> visit) {
        walk(node, new ArrayList<>(), visit);
    }

    private static void walk(JsonNode node, List<String> path, BiConsumer<List<String>, JsonNode> visit) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                path.add(e.getKey());
                walk(e.getValue(), path, visit);
                path.remove(path.size() - 1);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add("[" + i + "]");
                walk(node.get(i), path, visit);
                path.remove(path.size() - 1);
            }
        } else {
            visit.accept(List.copyOf(path), node);
        }
    }

    /** {@code payload.messages[0].id}; the root is {@code $}. */
    static String text(List<String> path) {
        if (path.isEmpty()) {
            return "$";
        }
        StringBuilder out = new StringBuilder();
        for (String s : path) {
            if (!s.startsWith("[") && out.length() > 0) {
                out.append('.');
            }
            out.append(s);
        }
        return out.toString();
    }

    /** Segments of a dotted path as users write it ({@code payload.token}, {@code items[0].id}). */
    static List<String> parse(String dotted) {
        List<String> out = new ArrayList<>();
        for (String part : dotted.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                out.add(part);
                continue;
            }
            if (bracket > 0) {
                out.add(part.substring(0, bracket));
            }
            for (String index : part.substring(bracket).split("(?=\\[)")) {
                out.add(index);
            }
        }
        return out;
    }
}
