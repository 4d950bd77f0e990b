package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Matcher;

import dev.sockscope.decode.spec.Framing;

/**
 * Cuts a text frame into the records a spec's {@link Framing} describes, each as a tree the rest of the spec reads like
 * a JSON frame, with where each part came from in the text (for secrets, and for mock's rewriting of keys).
 */
final class SpecFraming {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * One record. Spans are character offsets into the frame's text.
     *
     * @param tree      the record as a tree; null when it should have been JSON and is not ({@code invalid} says why)
     * @param root      the tree is the JSON document itself (separator or batch framing), not fields around a body
     * @param element   the record is an element of a batch (a JSON array frame)
     * @param fields    where each value of a regex group or header came from: {@code ack}, {@code headers.passcode}
     * @param bodyStart where the body starts, -1 without one; {@code bodyJson} when it was parsed as JSON
     */
    record Record(JsonNode tree, String invalid, boolean root, boolean element, int start, int end, Map<String, int[]> fields,
                  int bodyStart, int bodyEnd, boolean bodyJson, List<Warning> warnings) {
    }

    private SpecFraming() {
    }

    static List<Record> cut(Framing framing, String text) {
        List<Record> records = new ArrayList<>(1);
        if (framing.batch()) {
            JsonText.Parsed parsed = JsonText.parse(text);
            if (!(parsed instanceof JsonText.Ok ok)) {
                records.add(new Record(null, ((JsonText.Invalid) parsed).reason(), true, false, 0, text.length(), Map.of(), 0, text.length(),
                        false, List.of()));
            } else if (ok.tree().isArray() && !ok.tree().isEmpty()) {
                for (JsonNode element : ok.tree()) {
                    records.add(new Record(element, null, true, true, 0, text.length(), Map.of(), 0, text.length(), true, List.of()));
                }
            } else {
                records.add(new Record(ok.tree(), null, true, false, 0, text.length(), Map.of(), 0, text.length(), true, List.of()));
            }
            return records;
        }
        if (framing.separator() == null) {
            piece(framing, text, 0, text.length(), records);
            return records;
        }
        String sep = framing.separator();
        int at = 0;
        while (at <= text.length()) {
            int next = text.indexOf(sep, at);
            int end = next < 0 ? text.length() : next;
            if (end > at) {
                piece(framing, text, at, end, records);
            }
            if (next < 0) {
                break;
            }
            at = next + sep.length();
        }
        return records;
    }

    private static void piece(Framing framing, String text, int start, int end, List<Record> out) {
        if (framing.lines()) {
            lines(framing, text, start, end, out);
        } else if (framing.regex() != null) {
            out.add(prefixed(framing, text, start, end));
        } else {
            JsonText.Parsed parsed = JsonText.parse(text.substring(start, end));
            out.add(parsed instanceof JsonText.Ok ok
                    ? new Record(ok.tree(), null, true, false, start, end, Map.of(), start, end, true, List.of())
                    : new Record(null, ((JsonText.Invalid) parsed).reason(), true, false, start, end, Map.of(), start, end, false, List.of()));
        }
    }

    private static Record prefixed(Framing framing, String text, int start, int end) {
        String piece = text.substring(start, end);
        Matcher m = framing.regex().matcher(piece);
        ObjectNode tree = NODES.objectNode();
        Map<String, int[]> fields = new HashMap<>();
        List<Warning> warnings = new ArrayList<>(0);
        int bodyFrom = 0;
        if (m.lookingAt()) {
            for (Map.Entry<String, Integer> g : framing.regex().namedGroups().entrySet()) {
                int s = m.start(g.getValue());
                if (s >= 0) {
                    tree.put(g.getKey(), m.group(g.getValue()));
                    fields.put(g.getKey(), new int[] {start + s, start + m.end(g.getValue())});
                }
            }
            bodyFrom = m.end();
        } else {
            warnings.add(Warning.of(Warning.Code.FRAMING, "the record does not start as the framing regex says"));
        }
        return body(framing, text, tree, start + bodyFrom, end, start, end, fields, warnings);
    }

    /** Command line, header lines, blank line, body up to NUL; several frames may follow each other. */
    private static void lines(Framing framing, String text, int start, int end, List<Record> out) {
        int at = start;
        boolean any = false;
        while (true) {
            int from = at;
            while (at < end && (text.charAt(at) == '\n' || text.charAt(at) == '\r' || text.charAt(at) == '\0')) {
                at++;
            }
            if (at >= end) {
                if (!any) {
                    // Nothing but line ends: STOMP's heart-beat.
                    out.add(new Record(NODES.objectNode(), null, false, false, from, end, Map.of(), -1, -1, false, List.of()));
                }
                return;
            }
            any = true;
            int recordStart = at;
            ObjectNode tree = NODES.objectNode();
            Map<String, int[]> fields = new HashMap<>();
            int eol = lineEnd(text, at, end);
            tree.put("command", stripCr(text, at, eol));
            fields.put("command", new int[] {at, eol});
            ObjectNode headers = tree.putObject("headers");
            at = Math.min(end, eol + 1);
            while (at < end) {
                eol = lineEnd(text, at, end);
                String line = stripCr(text, at, eol);
                if (line.isEmpty()) {
                    at = Math.min(end, eol + 1);
                    break;
                }
                int colon = line.indexOf(':');
                String name = colon < 0 ? line : line.substring(0, colon);
                if (!headers.has(name)) {
                    // STOMP: of repeated headers, the first one counts.
                    headers.put(name, colon < 0 ? "" : line.substring(colon + 1));
                    fields.put("headers." + name, new int[] {colon < 0 ? at + line.length() : at + colon + 1, at + line.length()});
                }
                at = Math.min(end, eol + 1);
            }
            int nul = text.indexOf('\0', at);
            int bodyEnd = nul < 0 || nul > end ? end : nul;
            out.add(body(framing, text, tree, at, bodyEnd, recordStart, bodyEnd, fields, new ArrayList<>(0)));
            at = bodyEnd + 1;
            if (at >= end) {
                return;
            }
        }
    }

    private static int lineEnd(String text, int from, int end) {
        int nl = text.indexOf('\n', from);
        return nl < 0 || nl > end ? end : nl;
    }

    private static String stripCr(String text, int from, int to) {
        return to > from && text.charAt(to - 1) == '\r' ? text.substring(from, to - 1) : text.substring(from, to);
    }

    /** The body between {@code from} and {@code to}, read as the framing says, added to the tree; the record. */
    private static Record body(Framing framing, String text, ObjectNode tree, int from, int to, int start, int end,
                               Map<String, int[]> fields, List<Warning> warnings) {
        if (from >= to) {
            return new Record(tree, null, false, false, start, end, fields, -1, -1, false, warnings);
        }
        String body = text.substring(from, to);
        boolean json = false;
        if (!framing.body().equals("text") && (framing.body().equals("json") || looksLikeJson(body))) {
            JsonText.Parsed parsed = JsonText.parse(body);
            if (parsed instanceof JsonText.Ok ok) {
                tree.set(framing.bodyField(), ok.tree());
                json = true;
            } else if (framing.body().equals("json")) {
                warnings.add(Warning.of(Warning.Code.INVALID_JSON, framing.bodyField() + ": " + ((JsonText.Invalid) parsed).reason()));
            }
        }
        if (!json) {
            tree.put(framing.bodyField(), body);
        }
        return new Record(tree, null, false, false, start, end, fields, from, to, json, warnings);
    }

    private static boolean looksLikeJson(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || s.startsWith("true", i)
                        || s.startsWith("false", i) || s.startsWith("null", i);
            }
        }
        return false;
    }
}
