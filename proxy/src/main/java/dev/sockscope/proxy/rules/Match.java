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
 * @param path        the handshake's path contains this (null: any); the upstream URI's when the handshake is unknown
 * @param query       the handshake's query contains this (null: any); likewise
 * @param headers     each of these handshake request headers (name any case) is present with a value containing this
 *                    text (any case); empty: any
 * @param absent      a JSON pointer that must have no value (null: no such condition)
 * @param pointer     with {@code valueRegex}: the pointer whose value is matched
 * @param valueRegex  the value at {@code pointer}, as text, has a match of this (null: no such condition)
 * @param minSize     payload bytes at least this
 * @param maxSize     payload bytes at most this
 */
public record Match(Breakpoint like, String path, String query, java.util.Map<String, String> headers, String absent,
                    String pointer, Pattern valueRegex, long minSize, long maxSize) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean matches(InterceptedMessage m, Supplier<MessageLabels.Labels> labels) {
        int size = m.payload().length;
        if (size < minSize || size > maxSize) {
            return false;
        }
        if ((path != null || query != null) && !handshakeMatches(m.session())) {
            return false;
        }
        if (!headers.isEmpty() && !headersMatch(m.session().headers())) {
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

    private boolean handshakeMatches(dev.sockscope.proxy.intercept.SessionFacts s) {
        if (s.path() != null) {
            return (path == null || s.path().contains(path)) && (query == null || (s.query() != null && s.query().contains(query)));
        }
        String upstream = s.upstream();
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

    private boolean headersMatch(java.util.List<dev.sockscope.wire.Header> sent) {
        for (java.util.Map.Entry<String, String> want : headers.entrySet()) {
            String needle = want.getValue().toLowerCase(java.util.Locale.ROOT);
            boolean found = false;
            for (dev.sockscope.wire.Header h : sent) {
                if (h.name().equalsIgnoreCase(want.getKey()) && h.value().toLowerCase(java.util.Locale.ROOT).contains(needle)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
