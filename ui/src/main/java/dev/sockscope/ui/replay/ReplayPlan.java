package dev.sockscope.ui.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.QueryString;

/**
 * What a replay sends, worked out before anything connects: the recorded handshake (with {@code --header} and
 * {@code --query} applied) and the client's frames in order (with {@code --set} applied), each with the recorded
 * pause before it, the requests whose answers came before it in the recording (so the replay waits for their
 * answers first: MAX sends its login only after the handshake request is answered), and how many server messages
 * had come before it (so that a protocol without request/answer pairing, or a close, does not overtake what the
 * server sends, whatever the speed). A value the recording masked cannot be sent: {@link #of} refuses with every one
 * of them named, and how to supply it.
 */
public record ReplayPlan(String target, List<Header> headers, List<String> subprotocols, boolean offerDeflate,
                         List<Step> steps) {

    /**
     * One client frame.
     *
     * @param recordedSeq   its seq in the recording
     * @param gapMicros     the time since the previous client frame in the recording
     * @param awaitAnswerTo recorded seqs of requests whose answers the recording had before this frame was sent
     * @param serverMessagesBefore how many server data messages the recording had before this frame was sent
     */
    public record Step(long recordedSeq, FrameType type, byte[] payload, Integer closeCode, String closeReason,
                       long gapMicros, List<Long> awaitAnswerTo, int serverMessagesBefore) {
    }

    /** The recording holds masked values nobody supplied: the replay would send masks instead of credentials. */
    public static final class MaskedSecrets extends Exception {
        private final List<String> missing;

        MaskedSecrets(List<String> missing) {
            super("the recording masked " + missing.size() + (missing.size() == 1 ? " value" : " values")
                    + " the replay must send; supply each (a VALUE of env:NAME reads the environment variable NAME):\n  "
                    + String.join("\n  ", missing));
            this.missing = List.copyOf(missing);
        }

        public List<String> missing() {
            return missing;
        }
    }

    /**
     * @param headerValues {@code --header NAME=VALUE}: replaces the recorded header of that name (or adds it)
     * @param queryValues  {@code --query NAME=VALUE}: replaces that query parameter's value
     * @param setValues    {@code --set PATH=VALUE}: sets that field in every client JSON frame that has it (VALUE is
     *                     JSON if it parses as JSON, a string otherwise)
     */
    public static ReplayPlan of(SessionRecord session, List<StoredFrame> frames, Map<String, String> headerValues,
                                Map<String, String> queryValues, Map<String, String> setValues) throws MaskedSecrets {
        List<String> missing = new ArrayList<>();
        Handshake h = session.info().handshake();
        List<Header> headers = headers(h.requestHeaders(), headerValues, missing);
        String query = query(h.query(), queryValues, missing);
        List<String> subprotocols = new ArrayList<>();
        boolean deflate = false;
        for (Header x : headers) {
            String n = x.name().toLowerCase(Locale.ROOT);
            if (n.equals("sec-websocket-protocol")) {
                for (String p : x.value().split(",")) {
                    if (!p.isBlank()) {
                        subprotocols.add(p.trim());
                    }
                }
            } else if (n.equals("sec-websocket-extensions")) {
                deflate |= x.value().toLowerCase(Locale.ROOT).contains("permessage-deflate");
            }
        }
        Map<List<String>, JsonNode> sets = new LinkedHashMap<>();
        setValues.forEach((path, value) -> sets.put(TreePaths.parse(path), value.startsWith("env:")
                ? Json.MAPPER.getNodeFactory().textNode(resolve(value, "--set " + path, missing)) : literal(value)));
        List<Step> steps = new ArrayList<>();
        List<Long> answeredSoFar = new ArrayList<>();
        int serverMessages = 0;
        long previous = session.info().startedAtMicros();
        for (StoredFrame f : frames) {
            if (f.frame().from() == Direction.SERVER_TO_CLIENT) {
                if (!f.frame().type().isControl()) {
                    serverMessages++;
                }
                if (f.decoding() != null && f.decoding().correlatesWith() != null) {
                    answeredSoFar.add(f.decoding().correlatesWith());
                }
                continue;
            }
            byte[] payload = payload(f, sets, missing);
            long gap = Math.max(0, f.frame().timeMicros() - previous);
            previous = f.frame().timeMicros();
            steps.add(new Step(f.seq(), f.frame().type(), payload, f.frame().closeCode(), f.frame().closeReason(), gap,
                    List.copyOf(answeredSoFar), serverMessages));
            answeredSoFar.clear();
        }
        if (!missing.isEmpty()) {
            throw new MaskedSecrets(missing);
        }
        return new ReplayPlan(query == null ? h.path() : h.path() + "?" + query, headers, subprotocols, deflate, steps);
    }

    private static List<Header> headers(List<Header> recorded, Map<String, String> values, List<String> missing) {
        List<Header> out = new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>();
        values.forEach((k, v) -> pending.put(k.toLowerCase(Locale.ROOT), v));
        Map<String, String> names = new LinkedHashMap<>();
        values.keySet().forEach(k -> names.put(k.toLowerCase(Locale.ROOT), k));
        for (Header x : recorded) {
            String key = x.name().toLowerCase(Locale.ROOT);
            if (values.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(x.name()))) {
                String v = pending.remove(key);
                if (v != null) {
                    out.add(new Header(x.name(), resolve(v, "--header " + x.name(), missing)));
                }
            } else {
                if (SecretMasker.isMasked(x.value())) {
                    missing.add("header " + x.name() + ": --header '" + x.name() + "=VALUE'");
                }
                out.add(x);
            }
        }
        pending.forEach((key, v) -> out.add(new Header(names.get(key), resolve(v, "--header " + names.get(key), missing))));
        return out;
    }

    private static String query(String query, Map<String, String> values, List<String> missing) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        List<String> parts = new ArrayList<>();
        for (QueryString.Param p : QueryString.parse(query)) {
            String name = p.name();
            if (values.containsKey(name)) {
                parts.add(p.rawName() + "=" + java.net.URLEncoder.encode(resolve(values.get(name), "--query " + name, missing), StandardCharsets.UTF_8));
            } else {
                if (SecretMasker.isMasked(p.value())) {
                    missing.add("query parameter " + name + ": --query '" + name + "=VALUE'");
                }
                parts.add(p.text());
            }
        }
        return String.join("&", parts);
    }

    private static byte[] payload(StoredFrame f, Map<List<String>, JsonNode> sets, List<String> missing) {
        byte[] payload = f.frame().payload();
        if (f.frame().type() != FrameType.TEXT) {
            if (SecretMasker.isMasked(new String(payload, StandardCharsets.UTF_8))) {
                missing.add("frame #" + f.seq() + " (" + f.frame().type().label() + "): holds a masked value that cannot be"
                        + " set; record with --keep-secrets to replay it");
            }
            return payload;
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(payload);
        } catch (java.io.IOException notJson) {
            tree = null;
        }
        if (tree == null || !(tree.isContainerNode())) {
            if (SecretMasker.isMasked(f.frame().text())) {
                missing.add("frame #" + f.seq() + " (not JSON): holds a masked value that cannot be set; record with"
                        + " --keep-secrets to replay it");
            }
            return payload;
        }
        boolean changed = false;
        for (Map.Entry<List<String>, JsonNode> set : sets.entrySet()) {
            changed |= replace(tree, set.getKey(), set.getValue());
        }
        JsonNode result = tree;
        TreePaths.leaves(result, (path, leaf) -> {
            if (leaf.isTextual() && SecretMasker.isMasked(leaf.asText())) {
                String p = TreePaths.text(path);
                missing.add("frame #" + f.seq() + " " + p + ": --set '" + p + "=VALUE'");
            }
        });
        return changed ? result.toString().getBytes(StandardCharsets.UTF_8) : payload;
    }

    /** Sets the field at {@code path} if the frame has it; true when it did. */
    private static boolean replace(JsonNode root, List<String> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            parent = child(parent, path.get(i));
            if (parent == null) {
                return false;
            }
        }
        String last = path.get(path.size() - 1);
        if (last.startsWith("[") && parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last.substring(1, last.length() - 1));
            if (index < array.size()) {
                array.set(index, value);
                return true;
            }
        } else if (parent instanceof ObjectNode object && object.has(last)) {
            object.set(last, value);
            return true;
        }
        return false;
    }

    private static JsonNode child(JsonNode node, String segment) {
        if (segment.startsWith("[")) {
            return node.isArray() ? node.get(Integer.parseInt(segment.substring(1, segment.length() - 1))) : null;
        }
        return node.isObject() ? node.get(segment) : null;
    }

    /** A value typed on the command line: JSON when it reads as JSON ({@code 42}, {@code true}, {@code {"a":1}}), else a string. */
    private static JsonNode literal(String value) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(value);
            if (parsed != null && !parsed.isMissingNode()) {
                return parsed;
            }
        } catch (java.io.IOException notJson) {
            // a plain string
        }
        return Json.MAPPER.getNodeFactory().textNode(value);
    }

    /** {@code env:NAME} reads the environment (so CI secrets never appear on a command line). */
    static String resolve(String value, String option, List<String> missing) {
        if (!value.startsWith("env:")) {
            return value;
        }
        String name = value.substring(4);
        String found = System.getenv(name);
        if (found == null) {
            missing.add(option + ": the environment variable " + name + " is not set");
            return "";
        }
        return found;
    }
}
