package dev.sockscope.decode.jsonrpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecodeResult.Decoded;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.JsonText;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Reads one session of JSON-RPC 2.0: single messages and batches, calls from either peer, answers paired by id in any
 * order. Keeps each open call's method by its caller and id, so that an answer is labelled with the method it answers
 * (a batch's answer with the methods of the calls it answers), also when answers overtake each other.
 */
final class JsonRpcReader implements FrameReader {
    /** Open calls remembered per session; beyond this the oldest are forgotten (a flood is not a leak). */
    static final int MAX_OPEN = 10_000;
    /** Methods whose parameters are credentials, but for the name of who logs in. */
    static final Set<String> LOGIN_METHODS = Set.of("rpc.login", "login", "auth", "authenticate");
    private static final Set<String> IDENTITY_NAMES = Set.of("user", "username", "login", "name", "email", "account");

    private final DecoderContext context;
    private final Map<String, String> methods = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_OPEN;
        }
    };

    JsonRpcReader(DecoderContext context) {
        this.context = context;
    }

    @Override
    public DecodeResult read(FrameInput frame) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() == FrameType.BINARY) {
            return new DecodeResult.NotMine("JSON-RPC messages are JSON text");
        }
        JsonNode json = frame.json();
        if (json == null) {
            return frame.parsed() instanceof JsonText.Invalid invalid ? new DecodeResult.Failed("invalid JSON", invalid.reason())
                    : new DecodeResult.Failed("invalid message", "a JSON-RPC message is a JSON object, or an array of them (a batch)");
        }
        Direction from = frame.from();
        if (json.isObject()) {
            Message message = Message.of(json);
            if (message instanceof Message.Invalid invalid) {
                return new DecodeResult.Failed("invalid message", invalid.reason());
            }
            Part part = part(json, message, from, "");
            return decoded(part.label, part.kind, part.summary, List.of(part), json, frame.payload().length);
        }
        if (json.isEmpty()) {
            return new DecodeResult.Failed("empty batch", "a JSON-RPC batch holds at least one message");
        }
        List<Part> parts = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonNode element = json.get(i);
            parts.add(part(element, Message.of(element), from, "[" + i + "]."));
        }
        return decoded(batchLabel(parts), batchKind(parts), batchSummary(parts), parts, json, frame.payload().length);
    }

    /** What one message is and says; {@code path} is where it is in the frame ({@code [2].} in a batch). */
    private record Part(String label, Kind kind, String summary, Correlation correlation, List<Warning> warnings, List<String> secrets) {
    }

    private Part part(JsonNode m, Message message, Direction from, String path) {
        List<Warning> warnings = new ArrayList<>(1);
        if (!Message.versionOk(m, message)) {
            warnings.add(Warning.of(Warning.Code.MALFORMED, "jsonrpc is not \"2.0\""));
        }
        if (m.isObject() && m.has("id") && !m.get("id").isNull() && !m.get("id").isTextual() && !m.get("id").isNumber()) {
            warnings.add(Warning.of(Warning.Code.MALFORMED, "the id is neither a string nor a number: nothing can answer it"));
        }
        if (message instanceof Message.Call c) {
            List<String> secrets = LOGIN_METHODS.contains(c.method()) ? maskLogin((ObjectNode) m, path) : List.of();
            String summary = c.method() + params(m.get("params")) + " (id " + (c.id() == null ? m.path("id") : c.id()) + ")";
            if (c.id() == null) {
                return new Part(c.method(), Kind.REQUEST, summary, null, warnings, secrets);
            }
            methods.put(key(from, c.id()), c.method());
            return new Part(c.method(), Kind.REQUEST, summary, Correlation.request(c.id()), warnings, secrets);
        }
        if (message instanceof Message.Notification n) {
            List<String> secrets = LOGIN_METHODS.contains(n.method()) ? maskLogin((ObjectNode) m, path) : List.of();
            return new Part(n.method(), Kind.EVENT, "notification " + n.method() + params(m.get("params")), null, warnings, secrets);
        }
        if (m.has("result") && m.has("error")) {
            warnings.add(Warning.of(Warning.Code.MALFORMED, "an answer has a result or an error, not both"));
        }
        if (message instanceof Message.Result r) {
            return answer(r.id(), "result", Kind.RESPONSE, "result " + Compact.json(r.result()), from, warnings);
        }
        if (message instanceof Message.Error e) {
            return answer(e.id(), "error", Kind.ERROR, errorText(e.error()), from, warnings);
        }
        if (message instanceof Message.Event e) {
            return new Part(e.name(), Kind.EVENT, "event " + e.name() + params(e.params()), null, warnings, List.of());
        }
        return new Part("invalid", Kind.UNKNOWN, Compact.json(m), null,
                List.of(Warning.of(Warning.Code.MALFORMED, "a batch element is not a JSON-RPC message: " + ((Message.Invalid) message).reason())), List.of());
    }

    /** An answer, labelled with the method of the call it answers (the caller is the other peer). */
    private Part answer(String id, String otherwise, Kind kind, String summary, Direction from, List<Warning> warnings) {
        if (id == null) {
            return new Part(otherwise, kind, summary, null, warnings, List.of());
        }
        String method = methods.remove(key(from.reverse(), id));
        return new Part(method != null ? method : otherwise, kind, summary, new Correlation.Answer("", id, true, false), warnings, List.of());
    }

    private Decoded decoded(String label, Kind kind, String summary, List<Part> parts, JsonNode tree, int length) {
        // Gathered first and added once: a record's with() copies its lists, and a batch may hold thousands.
        List<Correlation> correlations = new ArrayList<>(parts.size());
        List<Warning> warnings = new ArrayList<>(0);
        List<FieldPattern> secrets = new ArrayList<>(0);
        for (Part p : parts) {
            if (p.correlation != null) {
                correlations.add(p.correlation);
            }
            warnings.addAll(p.warnings);
            p.secrets.forEach(s -> secrets.add(FieldPattern.parse(s)));
        }
        Decoded d = Decoded.of(label, kind, summary).withCorrelations(correlations);
        if (!warnings.isEmpty()) {
            d = d.withWarnings(warnings);
        }
        if (!secrets.isEmpty()) {
            d = d.withSecret(new Secret.Json(0, length, secrets));
        }
        return d.withTree(tree);
    }

    /**
     * Masks a login call's credentials in place (the tree, so the summary and the tree show them masked) and says
     * where they are: every string parameter but the name of who logs in; by position, every one but the first.
     */
    private List<String> maskLogin(ObjectNode m, String path) {
        JsonNode params = m.get("params");
        List<String> where = new ArrayList<>();
        if (params instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String name = e.getKey();
                if (!e.getValue().isTextual() || IDENTITY_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                e.setValue(o.textNode(context.masker().mask(e.getValue().asText())));
                boolean plain = !name.isEmpty() && name.chars().noneMatch(c -> c == '.' || c == '[' || c == ']');
                where.add(path + "params." + (plain ? name : "*"));
            }
        } else if (params instanceof ArrayNode a) {
            for (int i = a.size() == 1 ? 0 : 1; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    a.set(i, a.textNode(context.masker().mask(a.get(i).asText())));
                    where.add(path + "params[" + i + "]");
                }
            }
        }
        return where;
    }

    private static String key(Direction caller, String id) {
        return (caller == Direction.CLIENT_TO_SERVER ? "c" : "s") + id;
    }

    private static String params(JsonNode params) {
        return params == null || params.isNull() ? "" : " " + Compact.json(params);
    }

    static String errorText(JsonNode error) {
        if (error == null || !error.isObject()) {
            return "error " + Compact.json(error);
        }
        StringBuilder out = new StringBuilder("error");
        if (error.has("code")) {
            out.append(' ').append(error.get("code").asText());
        }
        if (error.path("message").isTextual()) {
            out.append(' ').append(error.get("message").asText());
        }
        JsonNode data = error.get("data");
        if (data != null && !data.isNull()) {
            out.append(": ").append(data.isTextual() ? data.asText() : Compact.json(data));
        }
        return out.toString();
    }

    /** The methods of a batch's calls and of the calls its answers answer, in order, each once: {@code sum + log + slow}. */
    private static String batchLabel(List<Part> parts) {
        Set<String> names = new java.util.LinkedHashSet<>();
        int length = 0;
        for (Part p : parts) {
            // A label is cut at 120 characters anyway: a batch of thousands of methods stops early.
            if (length > 120) {
                break;
            }
            if (names.add(p.label)) {
                length += p.label.length() + 3;
            }
        }
        return String.join(" + ", names);
    }

    private static Kind batchKind(List<Part> parts) {
        if (parts.stream().anyMatch(p -> p.kind == Kind.ERROR)) {
            return Kind.ERROR;
        }
        for (Kind k : List.of(Kind.REQUEST, Kind.RESPONSE, Kind.EVENT)) {
            if (parts.stream().anyMatch(p -> p.kind == k)) {
                return k;
            }
        }
        return Kind.UNKNOWN;
    }

    private static String batchSummary(List<Part> parts) {
        StringBuilder out = new StringBuilder("batch of ").append(parts.size()).append(':');
        for (Part p : parts) {
            if (out.length() > 240) {
                break;
            }
            out.append(p == parts.get(0) ? " " : "; ").append(p.summary);
        }
        return out.toString();
    }
}
