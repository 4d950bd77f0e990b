package dev.sockscope.ui.web;

import java.util.Map;

import dev.sockscope.ui.views.Json;
import io.javalin.http.Context;

/** JSON bodies written with the command line's own writer, so that field names are the same as {@code --json}. */
final class Responses {
    private Responses() {
    }

    static void json(Context ctx, Object body) {
        ctx.contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, Map.of("error", message));
    }
}
