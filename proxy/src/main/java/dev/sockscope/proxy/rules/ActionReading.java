package dev.sockscope.proxy.rules;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.FrameType;

import static dev.sockscope.proxy.rules.RuleLoader.ACTIONS;
import static dev.sockscope.proxy.rules.RuleLoader.AFTER_KEYS;
import static dev.sockscope.proxy.rules.RuleLoader.esc;

/** The actions of one rule of a file being read ({@link RuleLoader}): each key that names one, checked as it is read. */
final class ActionReading {
    private final RuleLoader.Reading r;

    ActionReading(RuleLoader.Reading r) {
        this.r = r;
    }

    List<Action> actions(JsonNode node, String at) throws RuleFileException {
        List<Action> actions = new ArrayList<>();
        Content body = null;
        Map<String, JsonNode> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        List<Action.RegexReplace> replace = new ArrayList<>();
        boolean rewrite = false;
        if (node.has("reorder") && !node.has("delay")) {
            throw r.bad(at + "/reorder", "'reorder' goes with a delay (it lets later messages overtake the delayed one)");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = node.get(k);
            String a = at + "/" + esc(k);
            switch (k) {
                case "delay" -> actions.add(new Action.Delay(jitter(v, a),
                        node.has("reorder") && r.bool(node.get("reorder"), at + "/reorder")));
                case "drop" -> {
                    if (r.bool(v, a)) {
                        actions.add(new Action.Drop());
                    }
                }
                case "duplicate" -> {
                    int copies = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : r.positive(v, a);
                    if (copies > 0) {
                        actions.add(new Action.Duplicate(copies));
                    }
                }
                case "set" -> {
                    if (!v.isObject()) {
                        throw r.bad(a, "'set' maps JSON pointers to values ({ /payload/profile/name: Mallory })");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> f = v.fields(); f.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = f.next();
                        set.put(r.pointer(e.getKey(), a + "/" + esc(e.getKey())), e.getValue());
                    }
                    rewrite = true;
                }
                case "remove" -> {
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            remove.add(r.pointer(v.get(i), a + "/" + i));
                        }
                    } else {
                        remove.add(r.pointer(v, a));
                    }
                    rewrite = true;
                }
                case "replace" -> {
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            replace.add(regexReplace(v.get(i), a + "/" + i));
                        }
                    } else {
                        replace.add(regexReplace(v, a));
                    }
                    rewrite = true;
                }
                case "template" -> {
                    body = setOnce(body, new Content.FromTemplate(template(v, a)), a);
                    rewrite = true;
                }
                case "file" -> {
                    body = setOnce(body, file(r.text(v, a), a), a);
                    rewrite = true;
                }
                case "answer" -> actions.add(new Action.Answer(content(v, a)));
                case "inject" -> actions.add(new Action.Inject(content(v, a)));
                case "refragment" -> {
                    int n = r.positive(v, a);
                    if (n < 2) {
                        throw r.bad(a, "refragment takes the number of frames, at least 2");
                    }
                    actions.add(new Action.Refragment(n));
                }
                case "close" -> actions.add(close(v, a, false));
                case "abort" -> {
                    if (r.bool(v, a)) {
                        actions.add(new Action.Abort(false));
                    }
                }
                case "stall" -> actions.add(new Action.Stall(v.isBoolean() && v.asBoolean() ? 0 : Units.micros(v, t -> r.bad(a, t))));
                case "throttle" -> actions.add(new Action.Throttle(Units.bytesPerSecond(v, t -> r.bad(a, t))));
                case "suppress" -> {
                    String what = r.text(v, a).toLowerCase(Locale.ROOT);
                    actions.add(new Action.Suppress(switch (what) {
                        case "ping", "pings" -> FrameType.PING;
                        case "pong", "pongs" -> FrameType.PONG;
                        default -> throw r.bad(a, "suppress takes pings or pongs, not '" + what + "'");
                    }));
                }
                case "after" -> actions.addAll(after(v, a));
                default -> {
                    // name, enabled, match, probability, reorder: read by rule()
                }
            }
        }
        if (rewrite) {
            actions.add(new Action.Rewrite(body, set, remove, replace));
        }
        if (actions.isEmpty()) {
            throw r.bad(at, "the rule does nothing: give it an action (" + String.join(", ", ACTIONS) + ")");
        }
        boolean fate = false;
        for (Action x : actions) {
            boolean instead = x instanceof Action.Drop || x instanceof Action.Answer
                    || (x instanceof Action.Close c && !c.afterForward()) || (x instanceof Action.Abort ab && !ab.afterForward());
            if (instead && fate) {
                throw r.bad(at, "the rule both " + "drops/answers/closes/aborts in more than one way: keep one");
            }
            fate |= instead;
        }
        return actions;
    }

    private List<Action> after(JsonNode v, String at) throws RuleFileException {
        if (!v.isObject()) {
            throw r.bad(at, "'after' is a map of what happens once the message has gone: close, abort or inject");
        }
        r.keys(v, at, AFTER_KEYS, "action after the message");
        List<Action> out = new ArrayList<>();
        if (v.has("inject")) {
            out.add(new Action.Inject(content(v.get("inject"), at + "/inject")));
        }
        if (v.has("close")) {
            out.add(close(v.get("close"), at + "/close", true));
        }
        if (v.has("abort") && r.bool(v.get("abort"), at + "/abort")) {
            out.add(new Action.Abort(true));
        }
        return out;
    }

    private Action.Close close(JsonNode v, String at, boolean after) throws RuleFileException {
        int code;
        String reason = "";
        if (v.isInt()) {
            code = v.asInt();
        } else if (v.isObject()) {
            r.keys(v, at, List.of("code", "reason"), "key");
            if (!v.has("code") || !v.get("code").isInt()) {
                throw r.bad(at, "close needs a code ({ code: 1011, reason: chaos })");
            }
            code = v.get("code").asInt();
            reason = v.has("reason") ? v.get("reason").asText() : "";
        } else {
            throw r.bad(at, "close is a code (1011) or { code: 1011, reason: chaos }");
        }
        if (code < 1000 || code > 4999 || code == 1004 || code == 1005 || code == 1006 || code == 1015) {
            throw r.bad(at, "close code " + code + " cannot be sent (1000-4999, not 1004, 1005, 1006 or 1015; abort gives 1006)");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw r.bad(at, "a close reason is at most 123 bytes");
        }
        return new Action.Close(code, reason, after);
    }

    private Jitter jitter(JsonNode v, String at) throws RuleFileException {
        if (!v.isObject()) {
            return new Jitter.Fixed(Units.micros(v, t -> r.bad(at, t)));
        }
        r.keys(v, at, List.of("min", "max", "mean", "stddev"), "key");
        if (v.has("mean") || v.has("stddev")) {
            if (!v.has("mean") || !v.has("stddev") || v.has("min")) {
                throw r.bad(at, "a normal delay has mean and stddev (and perhaps max): { mean: 200ms, stddev: 50ms }");
            }
            long mean = Units.micros(v.get("mean"), t -> r.bad(at + "/mean", t));
            long sd = Units.micros(v.get("stddev"), t -> r.bad(at + "/stddev", t));
            long max = v.has("max") ? Units.micros(v.get("max"), t -> r.bad(at + "/max", t)) : mean + 4 * sd;
            return new Jitter.Normal(mean, sd, max);
        }
        if (!v.has("min") || !v.has("max")) {
            throw r.bad(at, "a delay is fixed (1500ms), { min: 100ms, max: 400ms } or { mean: 200ms, stddev: 50ms }");
        }
        long min = Units.micros(v.get("min"), t -> r.bad(at + "/min", t));
        long max = Units.micros(v.get("max"), t -> r.bad(at + "/max", t));
        if (min > max) {
            throw r.bad(at, "delay min is above max");
        }
        return new Jitter.Uniform(min, max);
    }

    private Content content(JsonNode v, String at) throws RuleFileException {
        if (v.isTextual()) {
            return v.asText().contains("${") ? new Content.FromTemplate(template(v, at)) : new Content.Text(v.asText());
        }
        if (v.isObject()) {
            r.keys(v, at, List.of("text", "template", "file"), "key");
            if (v.size() != 1) {
                throw r.bad(at, "give one of text, template or file");
            }
            if (v.has("text")) {
                return new Content.Text(r.text(v.get("text"), at + "/text"));
            }
            if (v.has("template")) {
                return new Content.FromTemplate(template(v.get("template"), at + "/template"));
            }
            return file(r.text(v.get("file"), at + "/file"), at + "/file");
        }
        throw r.bad(at, "a message is text, { template: ... } or { file: ... }");
    }

    private Content file(String name, String at) throws RuleFileException {
        Path p = r.folder == null ? Path.of(name) : r.folder.resolve(name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            throw r.bad(at, "cannot read " + p + ": " + e.getMessage());
        }
        FrameType type = FrameType.TEXT;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            type = FrameType.BINARY;
        }
        return new Content.FileBytes(name, bytes, type);
    }

    private Template template(JsonNode v, String at) throws RuleFileException {
        try {
            return Template.parse(r.text(v, at));
        } catch (IllegalArgumentException e) {
            throw r.bad(at, "template: " + e.getMessage());
        }
    }

    private Action.RegexReplace regexReplace(JsonNode v, String at) throws RuleFileException {
        if (!v.isObject() || !v.has("regex") || !v.has("with")) {
            throw r.bad(at, "replace is { regex: ..., with: ... } (or a list of them)");
        }
        r.keys(v, at, List.of("regex", "with"), "key");
        return new Action.RegexReplace(r.regex(v.get("regex"), at + "/regex"), r.text(v.get("with"), at + "/with"));
    }

    private Content setOnce(Content body, Content next, String at) throws RuleFileException {
        if (body != null) {
            throw r.bad(at, "template and file both replace the whole message: keep one");
        }
        return next;
    }
}
