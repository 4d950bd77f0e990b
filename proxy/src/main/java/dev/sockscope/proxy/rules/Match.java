package dev.sockscope.proxy.rules;

import java.net.URI;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;

import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;

/**
 * Which messages a rule takes: the conditions a {@link Breakpoint} knows (direction, type, protocol, label, kind,
 * text, regex, pointer equal to a value: matched by it), plus the handshake's path and query, the pointer's absence
 * or a regex on its value, and a size range. Counting conditions (every Nth, first N), session age and probability
 * need state and are the engine's ({@link Rule}).
 *
 * @param like        the breakpoint that checks the conditions it knows
 * @param path        the upstream URI's path contains this (null: any)
 * @param query       the upstream URI's query contains this (null: any)
 * @param absent      a JSON pointer that must have no value (null: no such condition)
 * @param pointer     with {@code valueRegex}: the pointer whose value is matched
 * @param valueRegex  the value at {@code pointer}, as text, has a match of this (null: no such condition)
 * @param minSize     payload bytes at least this
 * @param maxSize     payload bytes at most this
 */
public record Match(Breakpoint like, String path, String query, String absent, String pointer, Pattern valueRegex,
                    long minSize, long maxSize) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean matches(InterceptedMessage m, Supplier<MessageLabels.Labels> labels) {
        int size = m.payload().length;
        if (size < minSize || size > maxSize) {
            return false;
        }
        if ((path != null || query != null) && !handshakeMatches(m.session().upstream())) {
            return false;
        }
        if (!like.matches(m, labels)) {
            return false;
        }
        if (absent == null && valueRegex == null) {
            return true;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(m.payload());
        } catch (Exception e) {
            tree = null;
        }
        if (absent != null && tree != null && !tree.at(absent).isMissingNode()) {
            return false;
        }
        if (valueRegex != null) {
            JsonNode v = tree == null ? null : tree.at(pointer);
            return v != null && !v.isMissingNode() && valueRegex.matcher(v.isValueNode() ? v.asText() : v.toString()).find();
        }
        return true;
    }

    private boolean handshakeMatches(String upstream) {
        URI uri;
        try {
            uri = upstream == null ? null : URI.create(upstream);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri == null) {
            return false;
        }
        if (path != null && (uri.getRawPath() == null || !uri.getRawPath().contains(path))) {
            return false;
        }
        return query == null || (uri.getRawQuery() != null && uri.getRawQuery().contains(query));
    }
}
