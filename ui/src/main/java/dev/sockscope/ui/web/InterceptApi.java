package dev.sockscope.ui.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.intercept.Breakpoint;
import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.HeldMessage;
import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Times;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Utf8Validator;
import io.javalin.http.Context;

/**
 * The intercept routes: breakpoints, held messages and what to do with them, and sending into a live session. They
 * act on the relay of the proxy this inspector runs beside; an inspector that only reads recordings answers 409.
 */
final class InterceptApi {
    private volatile Relay relay;
    private volatile MessageLabels labels = MessageLabels.NONE;

    void attach(Relay relay, MessageLabels labels) {
        this.relay = relay;
        this.labels = labels;
    }

    private Relay relay() {
        Relay r = relay;
        if (r == null) {
            throw new ApiError(409, "this inspector only reads the recordings: intercept from the inspector of the running"
                    + " proxy ('sockscope proxy' prints its address)");
        }
        return r;
    }

    private InterceptPoint point() {
        return relay().intercept();
    }

    void state(Context ctx) {
        new Params(ctx);
        InterceptPoint point = point();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("breakpoints", point.breakpoints().list().stream().map(InterceptApi::breakpoint).toList());
        List<Map<String, Object>> held = new ArrayList<>();
        for (HeldMessage h : point.held()) {
            held.add(held(h));
        }
        body.put("held", held);
        Responses.json(ctx, body);
    }

    private Map<String, Object> held(HeldMessage h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("session", h.message().session().id());
        m.put("direction", h.message().from().sender());
        m.put("type", h.message().type().label());
        payload(m, h.message().type(), h.message().payload());
        MessageLabels.Labels l = labels.of(h.message());
        m.put("label", l.label());
        m.put("kind", l.kind());
        m.put("why", h.why());
        m.put("heldAt", Times.iso(h.heldAtMicros()));
        m.put("queuedBehind", h.queuedBehind());
        return m;
    }

    private static void payload(Map<String, Object> m, FrameType type, byte[] payload) {
        if (type == FrameType.TEXT && Utf8Validator.isValid(payload)) {
            m.put("text", new String(payload, StandardCharsets.UTF_8));
        } else {
            m.put("base64", Base64.getEncoder().encodeToString(payload));
        }
    }

    private static Map<String, Object> breakpoint(Breakpoint b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("session", b.session());
        m.put("route", b.route());
        m.put("direction", b.direction() == null ? null : b.direction().sender());
        m.put("type", b.type() == null ? null : b.type().label());
        m.put("protocol", b.protocol());
        m.put("label", b.label());
        m.put("kind", b.kind());
        m.put("text", b.text());
        m.put("regex", b.regex() == null ? null : b.regex().pattern());
        m.put("pointer", b.pointer());
        m.put("value", b.value());
        m.put("pings", b.pings());
        m.values().removeIf(v -> v == null);
        return m;
    }

    void addBreakpoint(Context ctx) {
        new Params(ctx);
        JsonNode body = body(ctx);
        Breakpoint b;
        try {
            Pattern regex = body.hasNonNull("regex") ? Pattern.compile(body.get("regex").asText()) : null;
            b = new Breakpoint(0, body.hasNonNull("session") ? body.get("session").asLong() : null, text(body, "route"),
                    body.hasNonNull("direction") ? direction(body.get("direction").asText(), "direction") : null,
                    body.hasNonNull("type") ? type(body.get("type").asText()) : null, text(body, "protocol"), text(body, "label"),
                    text(body, "kind"), text(body, "text"), regex, text(body, "pointer"), text(body, "value"),
                    body.path("pings").asBoolean(false));
        } catch (PatternSyntaxException e) {
            throw ApiError.badParameter("regex", e.getDescription());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        Breakpoint added = point().addBreakpoint(b);
        ctx.status(201);
        Responses.json(ctx, Map.of("id", added.id()));
    }

    void removeBreakpoint(Context ctx) {
        new Params(ctx);
        long id = Params.pathNumber(ctx, "id");
        if (!point().removeBreakpoint(id)) {
            throw ApiError.notFound("no breakpoint " + id);
        }
        ctx.status(204);
    }

    void release(Context ctx) {
        new Params(ctx);
        long id = Params.pathNumber(ctx, "id");
        JsonNode body = body(ctx);
        String action = body.path("action").asText("");
        Decision decision = switch (action) {
            case "forward" -> replacement(body);
            case "drop" -> Decision.DROP;
            case "close" -> new Decision.Close(closeCode(body), body.path("reason").asText(""));
            default -> throw ApiError.badParameter("action", "'" + action + "' is not one of forward, drop, close");
        };
        if (!point().release(id, decision)) {
            throw ApiError.notFound("nothing is held under " + id + " (it was released, or its session ended)");
        }
        Responses.json(ctx, Map.of("id", id, "action", action));
    }

    /** The decoded label and kind of a held message as edited ({@code text} or {@code base64}), for the editor. */
    void label(Context ctx) {
        new Params(ctx);
        long id = Params.pathNumber(ctx, "id");
        JsonNode body = body(ctx);
        HeldMessage h = point().held().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> ApiError.notFound("nothing is held under " + id));
        Decision d = replacement(body);
        InterceptedMessage edited = d instanceof Decision.Replace r
                ? new InterceptedMessage(h.message().session(), h.message().from(), r.type(), r.payload()) : h.message();
        MessageLabels.Labels l = labels.of(edited);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("label", l.label());
        out.put("kind", l.kind());
        Responses.json(ctx, out);
    }

    /** Forward as it came, or with the replacement in {@code text} or {@code base64}. */
    private static Decision replacement(JsonNode body) {
        if (body.hasNonNull("text")) {
            return new Decision.Replace(body.get("text").asText().getBytes(StandardCharsets.UTF_8), FrameType.TEXT);
        }
        if (body.hasNonNull("base64")) {
            return new Decision.Replace(base64(body.get("base64").asText()), FrameType.BINARY);
        }
        return Decision.FORWARD;
    }

    void send(Context ctx) throws InterruptedException {
        new Params(ctx);
        long session = Params.pathNumber(ctx, "id");
        JsonNode body = body(ctx);
        if (!body.path("to").isTextual()) {
            throw ApiError.badParameter("to", "required: client or server");
        }
        String to = body.get("to").asText();
        Direction d = switch (to) {
            case "server", "upstream" -> Direction.CLIENT_TO_SERVER;
            case "client" -> Direction.SERVER_TO_CLIENT;
            default -> throw ApiError.badParameter("to", "'" + to + "' is not client or server");
        };
        Injection what;
        if (body.hasNonNull("text")) {
            what = new Injection.Message(FrameType.TEXT, body.get("text").asText().getBytes(StandardCharsets.UTF_8));
        } else if (body.hasNonNull("base64")) {
            what = new Injection.Message(FrameType.BINARY, base64(body.get("base64").asText()));
        } else if (body.has("ping")) {
            what = injection(FrameType.PING, body.get("ping").isTextual() ? body.get("ping").asText().getBytes(StandardCharsets.UTF_8) : new byte[0]);
        } else if (body.has("close")) {
            what = new Injection.Close(closeCode(body), body.path("reason").asText(""));
        } else {
            throw ApiError.badParameter("text", "one of text, base64, ping or close is required");
        }
        long seq;
        try {
            seq = relay().send(session, d, what).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.util.NoSuchElementException) {
                throw ApiError.notFound(cause.getMessage());
            }
            throw new ApiError(409, cause.getMessage());
        } catch (TimeoutException e) {
            throw new ApiError(504, "the message waits for the sender to finish the message it is sending (a message boundary);"
                    + " it will go then");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("session", session);
        out.put("seq", seq < 0 ? null : seq);
        Responses.json(ctx, out);
    }

    private static Injection injection(FrameType type, byte[] payload) {
        try {
            return new Injection.Message(type, payload);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    private static int closeCode(JsonNode body) {
        JsonNode code = body.has("code") ? body.get("code") : body.path("close");
        if (!code.canConvertToInt() || !(code.asInt() == 1000 || (code.asInt() >= 1001 && code.asInt() <= 1014 && code.asInt() != 1004
                && code.asInt() != 1005 && code.asInt() != 1006) || (code.asInt() >= 3000 && code.asInt() <= 4999))) {
            throw ApiError.badParameter("code", "a close code that may be sent: 1000-1003, 1007-1014 or 3000-4999");
        }
        return code.asInt();
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter("base64", "not base64: " + e.getMessage());
        }
    }

    private static Direction direction(String value, String name) {
        return switch (value) {
            case "client" -> Direction.CLIENT_TO_SERVER;
            case "server" -> Direction.SERVER_TO_CLIENT;
            default -> throw ApiError.badParameter(name, "'" + value + "' is not client or server (who sent it)");
        };
    }

    private static FrameType type(String value) {
        try {
            return FrameType.fromLabel(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter("type", "'" + value + "' is not text, binary, ping or pong");
        }
    }

    private static String text(JsonNode body, String field) {
        return body.hasNonNull(field) && !body.get(field).asText().isEmpty() ? body.get(field).asText() : null;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw ApiError.badParameter("body", "a JSON object is required");
            }
            return body;
        } catch (IOException e) {
            throw ApiError.badParameter("body", "not JSON: " + e.getMessage());
        }
    }
}
