package dev.sockscope.proxy.intercept;

import java.util.Locale;
import java.util.function.Supplier;
import com.google.re2j.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Holds the messages that match every condition it has (a null condition matches anything).
 *
 * @param id        its number, given when it is set
 * @param session   only this session
 * @param route     only sessions whose route (listen address) or upstream contains this
 * @param direction only messages from this sender
 * @param type      only this frame type (text, binary; ping and pong with {@code pings})
 * @param protocol  only sessions with this subprotocol or configured protocol
 * @param label     only messages whose decoded label is this (case-insensitive; {@code LOGIN} matches {@code LOGIN (19)})
 * @param kind      only messages of this decoded kind (request, response, event, ...)
 * @param text      only messages whose text contains this
 * @param regex     only messages whose text has a match of this (RE2 syntax: linear time, so no pattern can stall the relay)
 * @param pointer   only JSON messages with a value at this JSON pointer ({@code /opcode}) ...
 * @param value     ... equal to this (compared as text: {@code 19}, {@code "LOGIN"} or {@code LOGIN}); any value if null
 * @param pings     pings and pongs are held too (by default they pass so that keep-alives do not time out)
 */
public record Breakpoint(long id, Long session, String route, Direction direction, FrameType type, String protocol,
                         String label, String kind, String text, Pattern regex, String pointer, String value, boolean pings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Breakpoint {
        if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
            throw new IllegalArgumentException("a JSON pointer starts with '/': " + pointer);
        }
        if (value != null && pointer == null) {
            throw new IllegalArgumentException("a value needs a JSON pointer to compare it with");
        }
    }

    /** The same breakpoint under another id. */
    public Breakpoint withId(long newId) {
        return new Breakpoint(newId, session, route, direction, type, protocol, label, kind, text, regex, pointer, value, pings);
    }

    /** Whether it holds {@code m}; {@code labels} decodes the message only if a condition needs it. */
    public boolean matches(InterceptedMessage m, Supplier<MessageLabels.Labels> labels) {
        SessionFacts s = m.session();
        if (session != null && session != s.id()) {
            return false;
        }
        if (direction != null && direction != m.from()) {
            return false;
        }
        if (m.type().isControl() && (!pings || m.type() == FrameType.CLOSE)) {
            return false;
        }
        if (type != null && type != m.type()) {
            return false;
        }
        if (route != null && !(contains(s.route(), route) || contains(s.upstream(), route))) {
            return false;
        }
        if (protocol != null && !(protocol.equalsIgnoreCase(nullToEmpty(s.subprotocol())) || protocol.equalsIgnoreCase(nullToEmpty(s.protocol())))) {
            return false;
        }
        if (text != null && regex == null && pointer == null) {
            if (!Utf8Contains.contains(m.payload(), text)) { // no String of the whole message for a text alone
                return false;
            }
        }
        String body = regex != null || pointer != null ? m.text() : null;
        if (text != null && body != null && !body.contains(text)) {
            return false;
        }
        if (regex != null && !regex.matcher(body).find()) {
            return false;
        }
        if (pointer != null && !pointerMatches(body)) {
            return false;
        }
        if (label != null || kind != null) {
            MessageLabels.Labels l = labels.get();
            if (label != null && !labelMatches(nullToEmpty(l.label()))) {
                return false;
            }
            return kind == null || kind.equalsIgnoreCase(nullToEmpty(l.kind()));
        }
        return true;
    }

    /** {@code LOGIN} matches the label {@code LOGIN} and {@code LOGIN (19)} (a name with its number). */
    private boolean labelMatches(String actual) {
        return actual.equalsIgnoreCase(label) || actual.toLowerCase(Locale.ROOT).startsWith(label.toLowerCase(Locale.ROOT) + " (");
    }

    private boolean pointerMatches(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body).at(pointer);
        } catch (Exception e) {
            return false; // not JSON: no value there
        }
        if (node == null || node.isMissingNode()) {
            return false;
        }
        if (value == null) {
            return true;
        }
        String want = value.trim();
        return want.equals(node.toString()) || (node.isValueNode() && want.equals(node.asText()));
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
