package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.QueryString;

/**
 * Reads the upgrade request: offered subprotocols, cookies, query parameters, and a decoded view of it for people,
 * in which JWTs show their claims (signature masked) and credentials are masked.
 */
public final class Handshakes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Handshakes() {
    }

    public static List<String> offeredSubprotocols(Handshake h) {
        List<String> out = new ArrayList<>();
        for (Header header : h.requestHeaders()) {
            if (header.name().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                for (String item : header.value().split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.trim());
                    }
                }
            }
        }
        return out;
    }

    public static Map<String, String> cookies(Handshake h) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header header : h.requestHeaders()) {
            if (header.name().equalsIgnoreCase("Cookie")) {
                for (String pair : header.value().split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                    }
                }
            }
        }
        return out;
    }

    /**
     * The handshake as a tree for people: query parameters, offered and selected subprotocols (JWTs decoded),
     * cookies, and the headers the protocol explains. Built from the raw handshake, before it is masked
     * for storage, and masks every credential itself.
     */
    public static ObjectNode describe(Handshake h, Map<String, String> headerMeanings, long nowMicros, SecretMasker masker) {
        ObjectNode out = NODES.objectNode();
        Set<String> credentials = SecretMasker.credentials(h);
        out.put("target", masker.maskText(h.path() + (h.query() == null ? "" : "?" + masker.maskQuery(h.query())), credentials));
        Map<String, String> query = QueryString.decoded(h.query());
        if (!query.isEmpty()) {
            ObjectNode q = out.putObject("query");
            String masked = masker.maskText(masker.maskQuery(h.query()), credentials);
            Map<String, String> maskedParams = QueryString.decoded(masked);
            maskedParams.forEach(q::put);
        }
        List<String> offered = offeredSubprotocols(h);
        if (!offered.isEmpty()) {
            ArrayNode list = out.putArray("subprotocolsOffered");
            for (String item : offered) {
                JsonNode jwt = jwt(item, nowMicros, masker);
                if (jwt != null) {
                    list.add(jwt);
                } else {
                    list.add(masker.maskText(masker.maskHeaderValue("Sec-WebSocket-Protocol", item), credentials));
                }
            }
        }
        if (h.subprotocol() != null) {
            // The upstream may select the token itself (echoing the offered entry), so it is masked like one.
            String selected = h.subprotocol();
            boolean token = credentials.contains(selected) || SecretMasker.looksLikeToken(selected);
            out.put("subprotocolSelected", token && !SecretMasker.isMasked(selected) ? masker.mask(selected) : masker.maskText(selected, credentials));
        }
        Map<String, String> cookies = cookies(h);
        if (!cookies.isEmpty()) {
            ObjectNode c = out.putObject("cookies");
            cookies.forEach((k, v) -> c.put(k, v.isEmpty() || SecretMasker.isMasked(v) ? v : masker.mask(v)));
        }
        for (Header header : h.requestHeaders()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (name.equals("authorization")) {
                String v = header.value().trim();
                int space = v.indexOf(' ');
                JsonNode jwt = jwt(space > 0 ? v.substring(space + 1).trim() : v, nowMicros, masker);
                if (jwt != null) {
                    out.set("authorization", jwt);
                }
            }
        }
        if (!headerMeanings.isEmpty()) {
            ObjectNode explained = out.putObject("headers");
            for (Map.Entry<String, String> want : headerMeanings.entrySet()) {
                for (Header header : h.requestHeaders()) {
                    if (header.name().equalsIgnoreCase(want.getKey())) {
                        ObjectNode e = explained.putObject(want.getKey());
                        e.put("value", masker.maskText(masker.maskHeaderValue(header.name(), header.value()), credentials));
                        e.put("meaning", want.getValue());
                    }
                }
            }
            if (explained.isEmpty()) {
                out.remove("headers");
            }
        }
        return out;
    }

    /** A JWT as {header, claims, signature: masked}, with {@code exp}/{@code iat}/{@code nbf} readable; null if not a JWT. */
    static JsonNode jwt(String token, long nowMicros, SecretMasker masker) {
        String[] parts = token.split("\\.");
        if (parts.length != 3 || parts[0].length() < 4 || parts[1].length() < 4) {
            return null;
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            if (!(JsonText.parse(new String(b64.decode(parts[0]), StandardCharsets.UTF_8)) instanceof JsonText.Ok header)
                    || !(JsonText.parse(new String(b64.decode(parts[1]), StandardCharsets.UTF_8)) instanceof JsonText.Ok claims)
                    || !header.tree().isObject() || !header.tree().has("alg")) {
                return null;
            }
            ObjectNode jwt = NODES.objectNode();
            jwt.put("jwt", masker.mask(token));
            jwt.set("header", header.tree());
            jwt.set("claims", claims.tree());
            ObjectNode times = NODES.objectNode();
            for (String claim : List.of("iat", "nbf", "exp")) {
                JsonNode v = claims.tree().get(claim);
                if (v != null && v.isNumber()) {
                    times.put(claim, Filters.time(v));
                }
            }
            JsonNode exp = claims.tree().get("exp");
            if (exp != null && exp.isNumber()) {
                times.put("expired", Instant.ofEpochSecond(exp.asLong()).isBefore(Instant.ofEpochSecond(0, nowMicros * 1000)));
            }
            if (!times.isEmpty()) {
                jwt.set("times", times);
            }
            jwt.put("signature", "masked");
            return jwt;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
