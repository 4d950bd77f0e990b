package dev.sockscope.proxy.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Reads a rules file (YAML, or JSON for {@code .json}) and refuses a bad one with {@code FILE:LINE: rule 'NAME': reason},
 * so that a typo fails at load rather than as a rule that silently never fires. The format is in docs/rules.md.
 */
public final class RuleLoader {
    static final List<String> ACTIONS = List.of("delay", "drop", "duplicate", "set", "remove", "replace", "template", "file",
            "answer", "inject", "refragment", "close", "abort", "stall", "throttle", "suppress", "after");
    static final List<String> RULE_KEYS = List.of("name", "enabled", "match", "probability", "reorder");
    static final List<String> MATCH_KEYS = List.of("path", "query", "header", "direction", "type", "protocol", "label", "kind",
            "pointer", "equals", "exists", "matches", "contains", "regex", "size", "every", "first", "elapsed", "probability");
    static final List<String> AFTER_KEYS = List.of("close", "abort", "inject");

    private final ObjectMapper yaml = new YAMLMapper();
    private final ObjectMapper json = new ObjectMapper();

    /** The rules of one file; its folder is where {@code file:} paths are looked up. */
    public List<Rule> file(Path file) throws RuleFileException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RuleFileException(file + ": cannot read: " + e.getMessage());
        }
        return read(content, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses rules text; {@code origin} names it in errors and picks the syntax by its extension. */
    public List<Rule> read(byte[] content, String origin, Path folder) throws RuleFileException {
        ObjectMapper mapper = origin.toLowerCase(Locale.ROOT).endsWith(".json") ? json : yaml;
        LinedTree tree;
        try {
            tree = LinedTree.parse(mapper, content);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String line = where == null || where.getLineNr() < 1 ? "" : where.getLineNr() + ":";
            throw new RuleFileException(origin + ":" + line + " not " + (mapper == json ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RuleFileException(origin + ": " + e.getMessage());
        }
        return new Reading(tree, origin, folder).rules();
    }

    /** One file being read: where errors point. */
    static final class Reading {
        private final LinedTree tree;
        private final String origin;
        final Path folder;
        private String rule;

        Reading(LinedTree tree, String origin, Path folder) {
            this.tree = tree;
            this.origin = origin;
            this.folder = folder;
        }

        RuleFileException bad(String pointer, String reason) {
            return new RuleFileException(origin + ":" + tree.lineOf(pointer) + ":" + (rule == null ? "" : " rule '" + rule + "':") + " " + reason);
        }

        List<Rule> rules() throws RuleFileException {
            JsonNode root = tree.root();
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new RuleFileException(origin + ": the file is empty (it holds 'rules:', a list of rules)");
            }
            if (!root.isObject()) {
                throw bad("", "the file holds 'rules:', a list of rules");
            }
            keys(root, "", List.of("rules"), "key");
            JsonNode list = root.get("rules");
            if (list == null || !list.isArray()) {
                throw bad("/rules", "'rules' is a list of rules (each starting with '- name:')");
            }
            List<Rule> rules = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                rule = null;
                Rule r = rule(list.get(i), "/rules/" + i);
                if (!names.add(r.name())) {
                    throw bad("/rules/" + i + "/name", "a second rule with this name (names are unique: counters and switches go by them)");
                }
                rules.add(r);
            }
            return rules;
        }

        private Rule rule(JsonNode node, String at) throws RuleFileException {
            if (!node.isObject()) {
                throw bad(at, "a rule is a map with name, match and actions");
            }
            JsonNode name = node.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw bad(at, "a rule has a name ('name: slow-login')");
            }
            rule = name.asText();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!RULE_KEYS.contains(k) && !ACTIONS.contains(k)) {
                    throw bad(at + "/" + esc(k), "unknown action '" + k + "' (actions: " + String.join(", ", ACTIONS)
                            + "; other keys: " + String.join(", ", RULE_KEYS) + ")");
                }
            }
            boolean enabled = !node.has("enabled") || bool(node.get("enabled"), at + "/enabled");
            JsonNode m = node.get("match");
            if (m == null) {
                m = yamlEmptyMap();
            } else if (!m.isObject()) {
                throw bad(at + "/match", "'match' is a map of conditions ({ direction: server, pointer: /opcode, equals: 19 })");
            }
            String mat = at + "/match";
            keys(m, mat, MATCH_KEYS, "condition");
            if (node.has("probability") && m.has("probability")) {
                throw bad(mat + "/probability", "probability is given twice (in the rule and in its match)");
            }
            JsonNode p = node.has("probability") ? node.get("probability") : m.get("probability");
            String pAt = node.has("probability") ? at + "/probability" : mat + "/probability";
            double probability = 1;
            if (p != null) {
                if (!p.isNumber() || p.asDouble() < 0 || p.asDouble() > 1) {
                    throw bad(pAt, "probability " + p.asText() + " is not between 0 and 1");
                }
                probability = p.asDouble();
            }
            List<Action> actions = new ActionReading(this).actions(node, at);
            Match match = match(m, mat, actions);
            int every = m.has("every") ? positive(m.get("every"), mat + "/every") : 1;
            int first = m.has("first") ? positive(m.get("first"), mat + "/first") : 0;
            long elapsed = m.has("elapsed") ? Units.micros(m.get("elapsed"), text -> bad(mat + "/elapsed", text)) : 0;
            return new Rule(rule, enabled, match, every, first, elapsed, probability, actions, origin, tree.lineOf(at));
        }

        private JsonNode yamlEmptyMap() {
            return new ObjectMapper().createObjectNode();
        }

        private Match match(JsonNode m, String at, List<Action> actions) throws RuleFileException {
            Direction direction = null;
            if (m.has("direction")) {
                String d = text(m.get("direction"), at + "/direction").toLowerCase(Locale.ROOT);
                direction = switch (d) {
                    case "client", "client-to-server" -> Direction.CLIENT_TO_SERVER;
                    case "server", "server-to-client" -> Direction.SERVER_TO_CLIENT;
                    default -> throw bad(at + "/direction", "direction is client or server, not '" + d + "'");
                };
            }
            FrameType type = null;
            if (m.has("type")) {
                String t = text(m.get("type"), at + "/type");
                try {
                    type = FrameType.fromLabel(t);
                } catch (IllegalArgumentException e) {
                    type = null;
                }
                if (type == null || type == FrameType.CLOSE) {
                    throw bad(at + "/type", "type is text, binary, ping or pong, not '" + t + "'");
                }
            }
            for (Action a : actions) {
                if (a instanceof Action.Suppress s) {
                    if (type != null && type != s.type()) {
                        throw bad(at + "/type", "the rule suppresses " + s.type().label() + "s but matches " + type.label() + " frames");
                    }
                    type = s.type();
                }
            }
            String pointer = m.has("pointer") ? pointer(m.get("pointer"), at + "/pointer") : null;
            boolean exists = !m.has("exists") || bool(m.get("exists"), at + "/exists");
            for (String needsPointer : List.of("equals", "exists", "matches")) {
                if (m.has(needsPointer) && pointer == null) {
                    throw bad(at + "/" + needsPointer, "'" + needsPointer + "' needs a 'pointer' to the value it tests");
                }
            }
            if (!exists && (m.has("equals") || m.has("matches"))) {
                throw bad(at + "/exists", "'exists: false' cannot be tested together with equals or matches");
            }
            String equals = m.has("equals") ? scalar(m.get("equals"), at + "/equals") : null;
            Pattern valueRegex = m.has("matches") ? regex(m.get("matches"), at + "/matches") : null;
            Pattern regex = m.has("regex") ? regex(m.get("regex"), at + "/regex") : null;
            long min = 0;
            long max = Long.MAX_VALUE;
            if (m.has("size")) {
                JsonNode s = m.get("size");
                String sAt = at + "/size";
                if (!s.isObject()) {
                    throw bad(sAt, "size is a range: { min: 100, max: 64kB } (either may be left out)");
                }
                keys(s, sAt, List.of("min", "max"), "key");
                if (s.has("min")) {
                    min = Units.bytes(s.get("min"), text -> bad(sAt + "/min", text));
                }
                if (s.has("max")) {
                    max = Units.bytes(s.get("max"), text -> bad(sAt + "/max", text));
                }
                if (min > max) {
                    throw bad(sAt, "size min " + min + " is above max " + max);
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (m.has("header")) {
                JsonNode hs = m.get("header");
                if (!hs.isObject() || hs.isEmpty()) {
                    throw bad(at + "/header", "header maps handshake header names to text their value contains ({ platform: default })");
                }
                for (Iterator<Map.Entry<String, JsonNode>> f = hs.fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = f.next();
                    headers.put(e.getKey(), text(e.getValue(), at + "/header/" + esc(e.getKey())));
                }
            }
            boolean control = type == FrameType.PING || type == FrameType.PONG;
            Breakpoint like = new Breakpoint(0, null, null, direction, type,
                    m.has("protocol") ? text(m.get("protocol"), at + "/protocol") : null,
                    m.has("label") ? text(m.get("label"), at + "/label") : null,
                    m.has("kind") ? text(m.get("kind"), at + "/kind") : null,
                    m.has("contains") ? text(m.get("contains"), at + "/contains") : null,
                    regex, exists && valueRegex == null ? pointer : null, equals, control);
            return new Match(like,
                    m.has("path") ? text(m.get("path"), at + "/path") : null,
                    m.has("query") ? text(m.get("query"), at + "/query") : null, Map.copyOf(headers),
                    exists ? null : pointer, pointer, valueRegex, min, max);
        }

        void keys(JsonNode node, String at, List<String> known, String what) throws RuleFileException {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!known.contains(k)) {
                    throw bad(at + "/" + esc(k), "unknown " + what + " '" + k + "' (known: " + String.join(", ", known) + ")");
                }
            }
        }

        Pattern regex(JsonNode v, String at) throws RuleFileException {
            String r = text(v, at);
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                throw bad(at, "regex '" + r + "' does not compile (RE2 syntax): " + e.getDescription());
            }
        }

        String pointer(JsonNode v, String at) throws RuleFileException {
            return pointer(text(v, at), at);
        }

        String pointer(String p, String at) throws RuleFileException {
            try {
                Pointers.check(p);
                return p;
            } catch (IllegalArgumentException e) {
                throw bad(at, e.getMessage());
            }
        }

        String text(JsonNode v, String at) throws RuleFileException {
            if (v == null || !v.isValueNode() || v.isNull()) {
                throw bad(at, "expected a text value here");
            }
            return v.asText();
        }

        String scalar(JsonNode v, String at) throws RuleFileException {
            if (v == null || v.isNull()) {
                throw bad(at, "expected a value here");
            }
            return v.isValueNode() ? v.asText() : v.toString();
        }

        boolean bool(JsonNode v, String at) throws RuleFileException {
            if (!v.isBoolean()) {
                throw bad(at, "expected true or false, not '" + v.asText() + "'");
            }
            return v.asBoolean();
        }

        int positive(JsonNode v, String at) throws RuleFileException {
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw bad(at, "expected a whole number of at least 1, not '" + v.asText() + "'");
            }
            return v.asInt();
        }
    }

    /** A key as it appears in a JSON pointer ({@code /} and {@code ~} escaped). */
    static String esc(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
