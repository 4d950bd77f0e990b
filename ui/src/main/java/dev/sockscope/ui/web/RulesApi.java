package dev.sockscope.ui.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.rules.RuleFileException;
import dev.sockscope.proxy.rules.RuleFiles;
import dev.sockscope.proxy.rules.RuleStatus;
import dev.sockscope.ui.views.Json;
import io.javalin.http.Context;

/**
 * The rules routes: the rules of the proxy this inspector runs beside, their counters and switches, and their text to
 * edit. An inspector that only reads recordings answers 409.
 */
final class RulesApi {
    private volatile RuleFiles files;

    void attach(RuleFiles files) {
        this.files = files;
    }

    private RuleFiles files() {
        RuleFiles f = files;
        if (f == null) {
            throw new ApiError(409, "this inspector only reads the recordings: rules apply in the inspector of the running"
                    + " proxy ('sockscope proxy --rules FILE' prints its address)");
        }
        return f;
    }

    void state(Context ctx) {
        new Params(ctx);
        Responses.json(ctx, body(files()));
    }

    private static Map<String, Object> body(RuleFiles f) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seed", String.valueOf(f.engine().seed()));
        body.put("files", f.files().stream().map(Object::toString).toList());
        body.put("lastError", f.lastError());
        body.put("text", f.text());
        body.put("rules", f.engine().status().stream().map(RulesApi::rule).toList());
        return body;
    }

    private static Map<String, Object> rule(RuleStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("enabled", s.enabled());
        m.put("file", s.origin());
        m.put("line", s.line());
        m.put("actions", s.actions());
        m.put("matched", s.matched());
        m.put("taken", s.taken());
        return m;
    }

    void setEnabled(Context ctx) {
        new Params(ctx);
        String name = ctx.pathParam("name");
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiError.badParameter("body", "not JSON: " + e.getMessage());
        }
        if (body == null || !body.path("enabled").isBoolean()) {
            throw ApiError.badParameter("enabled", "the body is {\"enabled\": true} or {\"enabled\": false}");
        }
        boolean on = body.get("enabled").asBoolean();
        if (!files().engine().setEnabled(name, on)) {
            throw ApiError.notFound("no rule named '" + name + "'");
        }
        Responses.json(ctx, Map.of("name", name, "enabled", on));
    }

    /** Replaces the rules text: a JSON body {"text": "..."}, or the YAML itself as text/plain or application/yaml. */
    void replace(Context ctx) {
        new Params(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        String text;
        if (type.startsWith("application/json")) {
            try {
                JsonNode body = Json.MAPPER.readTree(ctx.body());
                if (body == null || !body.path("text").isTextual()) {
                    throw ApiError.badParameter("text", "the body is {\"text\": \"rules: ...\"}");
                }
                text = body.get("text").asText();
            } catch (IOException e) {
                throw ApiError.badParameter("body", "not JSON: " + e.getMessage());
            }
        } else {
            text = ctx.body();
        }
        RuleFiles f = files();
        try {
            f.replaceText(text);
        } catch (RuleFileException e) {
            throw new ApiError(400, "rules not replaced, the previous rules still run: " + e.getMessage());
        }
        Responses.json(ctx, body(f));
    }
}
