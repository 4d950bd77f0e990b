package dev.sockscope.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.QueryString;

/**
 * Masks credentials before they are stored or shown. A masked value keeps a short prefix and a tag, the first 40 bits
 * of an HMAC-SHA256 of the whole value under a key of the recordings folder, so two sessions that used the same token
 * can still be told apart ({@code Bearer eyJh…[hmac:1f0c2a9d7e]}) while a masked short password cannot be confirmed by
 * hashing guesses: that needs the key, which never leaves the folder.
 */
public final class SecretMasker {
    /** Credentials shorter than this are masked where they are named (a header, a field) but not searched for elsewhere. */
    public static final int MIN_SEARCHED_LENGTH = 6;
    private static final String TAG = "[hmac:";
    /** Recordings made before the keyed tag have plain SHA-256 tags; they are masked values all the same. */
    private static final String OLD_TAG = "[sha256:";
    private static SecretMasker ephemeral;

    private static final Set<String> WHOLE_VALUE_HEADERS = Set.of(
            "x-api-key", "x-auth-token", "x-access-token", "api-key", "token");
    private static final Set<String> SECRET_QUERY_PARAMS = Set.of(
            "token", "access_token", "auth", "authorization", "key", "api_key", "apikey", "password",
            "secret", "jwt", "sig", "signature");
    /** Subprotocol entries that announce that the next entry is a credential. */
    private static final Set<String> TOKEN_MARKERS = Set.of("access_token", "token", "bearer", "authorization", "auth");
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern PROTOCOL_NAME = Pattern.compile("[a-z][a-z0-9]*([._/-][a-z0-9]+)*");
    private static final String ELLIPSIS = "…";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    private SecretMasker(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Tags under this key: the recordings folder's, or a fixed one in tests. */
    public static SecretMasker withKey(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("a masking key needs at least 16 bytes");
        }
        return new SecretMasker(key);
    }

    /** Tags under a key of this process alone (the same secret masks differently in another run). */
    public static synchronized SecretMasker ephemeral() {
        if (ephemeral == null) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            ephemeral = new SecretMasker(k);
        }
        return ephemeral;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * The masked form of a secret: a prefix of at most 4 characters (a quarter of short ones) and a keyed tag. A value
     * already masked (an exported recording imported again, under another folder's key) is kept as it is.
     */
    public String mask(String secret) {
        if (secret.isEmpty() || isMasked(secret)) {
            return secret;
        }
        int keep = Math.min(4, secret.length() / 4);
        return secret.substring(0, keep) + ELLIPSIS + TAG + tag(secret) + "]";
    }

    public static boolean isMasked(String value) {
        return value.contains(ELLIPSIS + TAG) || value.contains(ELLIPSIS + OLD_TAG) || value.contains(FILL + TAG);
    }

    /** What fills a mask that keeps the length of a binary value. */
    private static final String FILL = "*";

    /**
     * The mask of a value in a binary payload, exactly as many bytes long as the value, so that length fields around
     * it (an MQTT password, a protobuf string) stay true: stars, then as much of {@code [hmac:TAG]} as fits (the whole
     * tag from 18 bytes, none below 9).
     */
    public byte[] maskKeepingLength(byte[] value) {
        int n = value.length;
        String tag = tag(value);
        String mask;
        if (n >= TAG.length() + tag.length() + 2) {
            mask = FILL.repeat(n - TAG.length() - tag.length() - 1) + TAG + tag + "]";
        } else if (n >= TAG.length() + 3) {
            mask = FILL + TAG + tag.substring(0, n - TAG.length() - 2) + "]";
        } else {
            mask = FILL.repeat(n);
        }
        return mask.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether bytes are already a length-keeping mask (never masked twice). */
    public static boolean isMaskedKeepingLength(byte[] value, int from, int to) {
        if (to - from == 0) {
            return true;
        }
        for (int i = from; i < to; i++) {
            if (value[i] != '*') {
                return to - from > TAG.length() && new String(value, from, to - from, StandardCharsets.ISO_8859_1).contains(FILL + TAG);
            }
        }
        return true;
    }

    /**
     * The handshake as stored: credential headers, cookies, subprotocol tokens and credential query parameters
     * masked; then every credential found that way masked wherever else it appears (the selected subprotocol, a
     * response header, the path); then the signature of any other JWT.
     */
    public Handshake mask(Handshake h) {
        Set<String> credentials = credentials(h);
        String subprotocol = h.subprotocol();
        if (subprotocol != null && (credentials.contains(subprotocol) || looksLikeToken(subprotocol))) {
            subprotocol = mask(subprotocol);
        }
        return new Handshake(maskText(h.path(), credentials), maskText(maskQuery(h.query()), credentials),
                maskHeaders(h.requestHeaders(), credentials), h.status(), maskHeaders(h.responseHeaders(), credentials),
                maskText(subprotocol, credentials), h.extensions());
    }

    private List<Header> maskHeaders(List<Header> headers, Set<String> credentials) {
        List<Header> out = new ArrayList<>(headers.size());
        for (Header header : headers) {
            out.add(new Header(header.name(), maskText(maskHeaderValue(header.name(), header.value()), credentials)));
        }
        return out;
    }

    public List<Header> maskHeaders(List<Header> headers) {
        List<Header> out = new ArrayList<>(headers.size());
        for (Header header : headers) {
            out.add(new Header(header.name(), maskHeaderValue(header.name(), header.value())));
        }
        return out;
    }

    /**
     * The credentials a handshake carries, as they would appear in frames: the value of {@code Authorization} (after
     * its scheme), {@code X-Api-Key}-style headers, cookie values, subprotocol entries that are tokens, credential
     * query parameters (as sent and URL-decoded), and any JWT in any request header; those of at least
     * {@value #MIN_SEARCHED_LENGTH} characters, longest first (so that a token is masked before a part of it).
     */
    public static Set<String> credentials(Handshake h) {
        List<String> found = new ArrayList<>();
        for (Header header : h.requestHeaders()) {
            String n = header.name().toLowerCase(Locale.ROOT);
            String v = header.value().trim();
            switch (n) {
                case "authorization", "proxy-authorization" -> {
                    int space = v.indexOf(' ');
                    found.add(space > 0 && space < 16 ? v.substring(space + 1).trim() : v);
                }
                case "cookie" -> {
                    for (String pair : v.split(";")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            found.add(pair.substring(eq + 1).trim());
                        }
                    }
                }
                case "sec-websocket-protocol" -> {
                    boolean nextIsToken = false;
                    for (String item : v.split(",")) {
                        String i = item.trim();
                        if (nextIsToken || looksLikeToken(i)) {
                            found.add(i);
                        }
                        nextIsToken = TOKEN_MARKERS.contains(i.toLowerCase(Locale.ROOT));
                    }
                }
                default -> {
                    if (WHOLE_VALUE_HEADERS.contains(n)) {
                        found.add(v);
                    }
                }
            }
            for (int[] jwt = JwtScanner.next(header.value(), 0); jwt != null; jwt = JwtScanner.next(header.value(), jwt[2])) {
                found.add(header.value().substring(jwt[0], jwt[2]));
            }
        }
        for (QueryString.Param p : QueryString.parse(h.query())) {
            if (isSecretParam(p)) {
                found.add(p.rawValue());
                found.add(p.value());
            }
        }
        Set<String> out = new LinkedHashSet<>();
        found.stream().filter(c -> c.length() >= MIN_SEARCHED_LENGTH && !isMasked(c))
                .sorted((a, b) -> b.length() - a.length()).forEach(out::add);
        return out;
    }

    /**
     * The text with every occurrence of these credentials masked, and then the signature of every JWT in it; the
     * rest of the text is unchanged. Null stays null.
     */
    public String maskText(String text, Set<String> credentials) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String c : credentials) {
            if (out.contains(c)) {
                out = out.replace(c, mask(c));
            }
        }
        return maskJwtSignatures(out);
    }

    /** Masks the signature of every JWT in the text (header and claims stay readable); the same text when it has none. */
    public String maskJwtSignatures(String text) {
        if (text == null || !text.contains("eyJ")) {
            return text;
        }
        return maskSignatures(text, false);
    }

    /**
     * The text with each JWT's signature replaced by its masked form, in one pass ({@link JwtScanner}); with {@code
     * latin1}, the text stands for bytes (one char each) and the masked form is put in as its UTF-8 bytes.
     */
    private String maskSignatures(String text, boolean latin1) {
        return maskSignatures(text, latin1, false);
    }

    /** The same; with {@code keepLength} (bytes of a binary payload) each signature by a mask of its own length. */
    private String maskSignatures(String text, boolean latin1, boolean keepLength) {
        StringBuilder out = null;
        int pos = 0;
        for (int[] jwt = JwtScanner.next(text, 0); jwt != null; jwt = JwtScanner.next(text, jwt[2])) {
            out = out == null ? new StringBuilder(text.length()) : out;
            String signature = text.substring(jwt[1], jwt[2]);
            String shown = keepLength ? new String(maskKeepingLength(signature.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1)
                    : latin1 ? new String(mask(signature).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) : mask(signature);
            out.append(text, pos, jwt[1]).append(shown);
            pos = jwt[2];
        }
        return out == null ? text : out.append(text, pos, text.length()).toString();
    }

    /**
     * The bytes with every occurrence of these credentials (as UTF-8) masked, and the signature of every JWT; every
     * other byte unchanged, whatever the bytes are (text, binary, invalid UTF-8). Null when there was nothing to mask.
     */
    public byte[] maskBytes(byte[] payload, Set<String> credentials) {
        return replaceCredentials(payload, credentials, false);
    }

    /**
     * The same for a binary payload: each value is replaced by a mask of its own byte length
     * ({@link #maskKeepingLength}), so that a binary format's length fields stay true and the stored frame still
     * decodes; a payload that was {@code cutOff} has a credential whose start ends it masked too, keeping its length.
     */
    public byte[] maskBinary(byte[] payload, Set<String> credentials, boolean cutOff) {
        byte[] masked = replaceCredentials(payload, credentials, true);
        if (!cutOff) {
            return masked;
        }
        byte[] b = masked != null ? masked : payload;
        for (String c : credentials) {
            byte[] secret = c.getBytes(StandardCharsets.UTF_8);
            for (int k = Math.min(secret.length - 1, b.length); k > 4; k--) {
                if (java.util.Arrays.equals(b, b.length - k, b.length, secret, 0, k)) {
                    byte[] out = b.clone();
                    System.arraycopy(maskKeepingLength(java.util.Arrays.copyOf(secret, k)), 0, out, b.length - k, k);
                    return out;
                }
            }
        }
        return masked;
    }

    /** Every credential and JWT signature in the bytes replaced by its mask (of the same length with {@code keepLength}); null when none is there. */
    private byte[] replaceCredentials(byte[] payload, Set<String> credentials, boolean keepLength) {
        List<String> needles = new ArrayList<>(credentials.size() + 1);
        needles.add("eyJ");
        for (String c : credentials) {
            needles.add(new String(c.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
        if (!containsAny(payload, needles)) {
            return null; // the usual frame holds none of them
        }
        // Latin-1 maps each byte to one char and back, so searching and splicing this string is splicing the bytes.
        String bytes = new String(payload, StandardCharsets.ISO_8859_1);
        String out = bytes;
        for (String c : credentials) {
            String asBytes = new String(c.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            if (out.contains(asBytes)) {
                byte[] shown = keepLength ? maskKeepingLength(c.getBytes(StandardCharsets.UTF_8)) : mask(c).getBytes(StandardCharsets.UTF_8);
                out = out.replace(asBytes, new String(shown, StandardCharsets.ISO_8859_1));
            }
        }
        if (out.contains("eyJ")) {
            out = maskSignatures(out, true, keepLength);
        }
        return out == bytes ? null : out.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #maskBytes(byte[], Set)} for a payload that may have been cut off (recorded in part): a credential whose
     * start ends the payload is masked too, so a cut in the middle of a token does not leave its first part readable.
     */
    public byte[] maskBytes(byte[] payload, Set<String> credentials, boolean cutOff) {
        byte[] masked = maskBytes(payload, credentials);
        if (!cutOff) {
            return masked;
        }
        byte[] b = masked != null ? masked : payload;
        for (String c : credentials) {
            byte[] secret = c.getBytes(StandardCharsets.UTF_8);
            for (int k = Math.min(secret.length - 1, b.length); k > 4; k--) {
                if (java.util.Arrays.equals(b, b.length - k, b.length, secret, 0, k)) {
                    byte[] shown = mask(c).getBytes(StandardCharsets.UTF_8);
                    byte[] out = java.util.Arrays.copyOf(b, b.length - k + shown.length);
                    System.arraycopy(shown, 0, out, b.length - k, shown.length);
                    return out;
                }
            }
        }
        return masked;
    }

    /** Window of the scan below: small enough to stay in the young generation whatever the frame's size. */
    private static final int SCAN_WINDOW = 64 * 1024;

    /**
     * Whether any needle (Latin-1, one char per byte) occurs in the bytes. Scanned through Latin-1 strings of
     * {@link #SCAN_WINDOW} bytes, overlapping by the longest needle: String.indexOf on Latin-1 is a vectorised
     * intrinsic, about ten times faster than a loop over the bytes (a 1 MiB frame: 0.1 ms instead of 1 ms).
     */
    static boolean containsAny(byte[] payload, List<String> needles) {
        int longest = 1;
        for (String n : needles) {
            longest = Math.max(longest, n.length());
        }
        for (int at = 0; at < payload.length; at += SCAN_WINDOW) {
            int length = Math.min(payload.length - at, SCAN_WINDOW + longest - 1);
            String window = new String(payload, at, length, StandardCharsets.ISO_8859_1);
            for (String n : needles) {
                if (!n.isEmpty() && window.contains(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    public String maskHeaderValue(String name, String value) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "authorization", "proxy-authorization" -> maskAuthorization(value);
            case "cookie" -> maskCookies(value);
            case "set-cookie" -> maskSetCookie(value);
            case "sec-websocket-protocol" -> maskSubprotocols(value);
            default -> WHOLE_VALUE_HEADERS.contains(n) ? mask(value) : value;
        };
    }

    /** "Bearer abc" keeps its scheme; a bare token is masked whole. */
    String maskAuthorization(String value) {
        String v = value.trim();
        int space = v.indexOf(' ');
        if (space > 0 && space < 16) {
            return v.substring(0, space + 1) + mask(v.substring(space + 1).trim());
        }
        return mask(v);
    }

    String maskCookies(String value) {
        String[] parts = value.split(";");
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(';');
            }
            out.append(maskPair(parts[i]));
        }
        return out.toString();
    }

    String maskSetCookie(String value) {
        int semi = value.indexOf(';');
        return semi < 0 ? maskPair(value) : maskPair(value.substring(0, semi)) + value.substring(semi);
    }

    private String maskPair(String pair) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
            return pair;
        }
        String v = pair.substring(eq + 1);
        return v.isBlank() ? pair : pair.substring(0, eq + 1) + mask(v.trim());
    }

    /** Masks entries of an offered subprotocol list that are credentials rather than protocol names. */
    String maskSubprotocols(String value) {
        String[] items = value.split(",");
        StringBuilder out = new StringBuilder(value.length());
        boolean nextIsToken = false;
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (i > 0) {
                out.append(", ");
            }
            boolean secret = nextIsToken || looksLikeToken(item);
            out.append(secret ? mask(item) : item);
            nextIsToken = TOKEN_MARKERS.contains(item.toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    public static boolean looksLikeToken(String item) {
        return JWT.matcher(item).matches() || (item.length() >= 24 && !PROTOCOL_NAME.matcher(item).matches());
    }

    /** Masks the values of query parameters whose names say they are credentials. */
    public String maskQuery(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringJoiner out = new StringJoiner("&");
        for (QueryString.Param p : QueryString.parse(query)) {
            out.add(isSecretParam(p) && !p.rawValue().isEmpty() ? p.rawName() + "=" + mask(p.rawValue()) : p.text());
        }
        return out.toString();
    }

    /** A query parameter whose name says it is a credential ({@code token=}, {@code access_token=}, ...). */
    private static boolean isSecretParam(QueryString.Param p) {
        return p.text().indexOf('=') > 0 && SECRET_QUERY_PARAMS.contains(p.rawName().toLowerCase(Locale.ROOT));
    }

    /** The first 40 bits of HMAC-SHA256(key, secret), in hex. */
    String tag(String secret) {
        return tag(secret.getBytes(StandardCharsets.UTF_8));
    }

    private String tag(byte[] secret) {
        byte[] mac = macs.get().doFinal(secret);
        return HexFormat.of().formatHex(mac, 0, 5);
    }
}
