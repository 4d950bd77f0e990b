package dev.sockscope.ui.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import dev.sockscope.proxy.ForwardProxy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Runs before every request: the security headers, the token (when the inspector listens beyond loopback, and for
 * every request the forward proxy sent on), the Host check (when it does not: a page on another site must not reach
 * it through DNS rebinding), and the refusal of cross-site state changes.
 */
final class Guard {
    static final String COOKIE = "sockscope_token";
    /** Nothing but our own files: no inline script or style, no plugin, no framing; images may be data: (previews). */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
            + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final String token;

    Guard(InspectorOptions options) {
        this.token = options.token();
    }

    void check(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
        if (ctx.header(ForwardProxy.FORWARDED_HEADER) != null && (token == null || !authorised(ctx))) {
            // Sent on by the forward proxy for one of its clients (another machine with --forward-allow): loopback
            // and a loopback Host say nothing about who asked.
            throw new ApiError(403, "refused: this request came through Sockscope's forward proxy; the inspector answers"
                    + " proxy clients only with its token (start it with --ui HOST:PORT, which prints one)");
        }
        if (token == null) {
            String host = ctx.header("Host");
            if (host == null || !isLoopbackHost(host)) {
                throw new ApiError(403, "this inspector answers only to a loopback host name (localhost, 127.0.0.1, [::1]);"
                        + " to reach it by another name, start it on that address with --ui, which requires a token");
            }
        } else if (!authorised(ctx)) {
            throw new ApiError(401, "a token is required: open the URL the command printed (it carries ?token=),"
                    + " or send 'Authorization: Bearer TOKEN'");
        }
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD && crossSite(ctx)) {
            throw new ApiError(403, "refused: a " + ctx.method() + " from another site (Origin "
                    + ctx.header("Origin") + ", Sec-Fetch-Site " + ctx.header("Sec-Fetch-Site") + ")");
        }
    }

    private boolean authorised(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && same(auth.substring(7).trim())) {
            return true;
        }
        if (same(ctx.cookie(COOKIE))) {
            return true;
        }
        if (same(ctx.queryParam("token"))) {
            // The printed URL carries the token once; the page's own requests then carry the cookie.
            ctx.header("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
            return true;
        }
        return false;
    }

    private boolean same(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The browser says so (Sec-Fetch-Site), or the Origin is not this inspector's. */
    private static boolean crossSite(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return true;
        }
        String origin = ctx.header("Origin");
        if (origin == null) {
            return false;
        }
        String host = ctx.header("Host");
        return host == null || !(origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    /** localhost, *.localhost, 127.x.x.x or [::1], with or without a port: names that cannot point elsewhere. */
    static boolean isLoopbackHost(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        return name.equals("localhost") || name.endsWith(".localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
