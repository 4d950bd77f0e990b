package dev.sockscope.ui.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.javalin.http.Context;

/** Query parameters read strictly: a value that does not parse, or a parameter the endpoint does not know, is a 400. */
final class Params {
    private final Context ctx;

    Params(Context ctx, String... known) {
        this.ctx = ctx;
        Set<String> allowed = new LinkedHashSet<>(List.of(known));
        allowed.add("token");
        for (String name : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                allowed.remove("token");
                throw ApiError.badParameter(name, "unknown here (known: " + String.join(", ", allowed) + ")");
            }
        }
    }

    String text(String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? null : v;
    }

    Long number(String name, long min, long max) {
        String v = text(name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw ApiError.badParameter(name, "must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name, "'" + v + "' is not a whole number");
        }
    }

    int number(String name, int min, int max, int otherwise) {
        Long n = number(name, min, (long) max);
        return n == null ? otherwise : n.intValue();
    }

    boolean flag(String name) {
        String v = text(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ApiError.badParameter(name, "must be true or false, not '" + v + "'");
    }

    /** One of a fixed set of words. */
    <T> T choice(String name, Function<String, T> parse, String known) {
        String v = text(name);
        if (v == null) {
            return null;
        }
        try {
            return parse.apply(v.trim());
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter(name, "'" + v + "' is not one of " + known);
        }
    }

    /** A comma-separated list of words, each parsed. */
    <T> List<T> list(String name, Function<String, T> parse, String known) {
        String v = text(name);
        List<T> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (String item : v.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                out.add(parse.apply(item.trim()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badParameter(name, "'" + item.trim() + "' is not one of " + known);
            }
        }
        return out;
    }

    /** A path parameter that must be a number. */
    static long pathNumber(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name, "'" + v + "' is not a whole number");
        }
    }
}
