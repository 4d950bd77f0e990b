package dev.sockscope.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;

class SecretMaskerTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsImFkbWluX2lkIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    /** The fixed key of the tests; a recordings folder has its own random one. */
    static final SecretMasker MASKER = SecretMasker.withKey("sockscope test key, not a secret".getBytes(StandardCharsets.UTF_8));

    @Test
    void maskingIsIdempotentEvenUnderAnotherKey() {
        SecretMasker other = SecretMasker.withKey("another folder's key".getBytes(StandardCharsets.UTF_8));
        String once = MASKER.mask("Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0");
        assertThat(other.mask(once)).as("an exported, masked value imported elsewhere").isEqualTo(once);
        assertThat(other.maskQuery("token=" + once)).isEqualTo("token=" + once);
    }

    @Test
    void bearerKeepsItsSchemeAndAShortPrefix() {
        String masked = MASKER.maskHeaderValue("Authorization", "Bearer abcdefghijklmnop");
        assertThat(masked).startsWith("Bearer abcd…[hmac:").doesNotContain("efghijklmnop");
    }

    @Test
    void sameSecretSameMaskDifferentSecretDifferentMask() {
        assertThat(MASKER.mask("token-one-1234")).isEqualTo(MASKER.mask("token-one-1234"));
        assertThat(MASKER.mask("token-one-1234")).isNotEqualTo(MASKER.mask("token-two-1234"));
    }

    @Test
    void theTagIsAKeyedHmacSoAShortPasswordCannotBeConfirmedByHashingGuesses() throws Exception {
        String masked = MASKER.mask("hunter2");
        assertThat(masked).isEqualTo("h…[hmac:" + MASKER.tag("hunter2") + "]").matches("h…\\[hmac:[0-9a-f]{10}]");
        String unsaltedSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("hunter2".getBytes(StandardCharsets.UTF_8)), 0, 5);
        assertThat(masked).as("the old, guessable tag").doesNotContain(unsaltedSha256);
        SecretMasker otherFolder = SecretMasker.withKey("another folder's key, 32 bytes..".getBytes(StandardCharsets.UTF_8));
        assertThat(otherFolder.mask("hunter2")).isNotEqualTo(masked);
        assertThat(SecretMasker.isMasked(masked)).isTrue();
        assertThat(SecretMasker.isMasked("An9x…[sha256:64caaa167b]")).as("tags of older recordings").isTrue();
    }

    @Test
    void shortSecretsRevealAtMostAQuarter() {
        assertThat(MASKER.mask("abcd")).startsWith("a…");
        assertThat(MASKER.mask("ab")).startsWith("…");
    }

    @Test
    void cookieValuesAreMaskedNamesKept() {
        String masked = MASKER.maskHeaderValue("Cookie", "zavodchat_token=6f1c2d3e-0000-4b5a-9c8d-1234567890ab; theme=dark");
        assertThat(masked).startsWith("zavodchat_token=6f1c…[hmac:").contains("; theme=").doesNotContain("1234567890ab");
    }

    @Test
    void subprotocolTokensAreMaskedButProtocolNamesKept() {
        String masked = MASKER.maskHeaderValue("Sec-WebSocket-Protocol", "access_token, " + JWT);
        assertThat(masked).startsWith("access_token, eyJh…[hmac:").doesNotContain("c2lnbmF0dXJl");
        assertThat(MASKER.maskHeaderValue("Sec-WebSocket-Protocol", "graphql-transport-ws, mqtt"))
                .isEqualTo("graphql-transport-ws, mqtt");
    }

    @Test
    void otherHeadersAreUntouched() {
        assertThat(MASKER.maskHeaderValue("platform", "qq")).isEqualTo("qq");
        assertThat(MASKER.maskHeaderValue("User-Agent", "Mozilla/5.0")).isEqualTo("Mozilla/5.0");
    }

    @Test
    void credentialQueryParametersAreMasked() {
        assertThat(MASKER.maskQuery("sid=2")).isEqualTo("sid=2");
        assertThat(MASKER.maskQuery("sid=2&token=supersecretvalue")).startsWith("sid=2&token=supe…[hmac:");
    }

    @Test
    void handshakeMaskingCoversBothDirections() {
        Handshake h = new Handshake("/ws", "access_token=abcdefgh12345678", List.of(new Header("authorization", "tok-1234567890")),
                101, List.of(new Header("Set-Cookie", "sid=abcdef123456; Path=/")), "access_token", List.of());
        Handshake m = MASKER.mask(h);
        assertThat(m.query()).doesNotContain("12345678");
        assertThat(m.requestHeaders().get(0).value()).doesNotContain("567890");
        assertThat(m.responseHeaders().get(0).value()).startsWith("sid=abc…").endsWith("; Path=/");
        assertThat(m.subprotocol()).isEqualTo("access_token");
        assertThat(SecretMasker.isMasked(m.requestHeaders().get(0).value())).isTrue();
    }

    @Test
    void aTokenTheUpstreamSelectsAsTheSubprotocolIsMaskedWhereverItIsStored() {
        // Some servers answer with the offered token itself as the selected subprotocol.
        Handshake h = new Handshake("/ws", null, List.of(new Header("Sec-WebSocket-Protocol", "access_token, opaque-1234")),
                101, List.of(new Header("Sec-WebSocket-Protocol", "opaque-1234")), "opaque-1234", List.of());
        Handshake m = MASKER.mask(h);
        assertThat(m.subprotocol()).isEqualTo(MASKER.mask("opaque-1234"));
        assertThat(m.responseHeaders().get(0).value()).isEqualTo(MASKER.mask("opaque-1234"));
        assertThat(m.toString()).doesNotContain("opaque-1234");
        Handshake jwt = MASKER.mask(new Handshake("/ws", null, List.of(), 101, List.of(), JWT, List.of()));
        assertThat(jwt.subprotocol()).startsWith("eyJh…[hmac:").doesNotContain("c2lnbmF0dXJl");
    }

    @Test
    void jwtSignaturesAreMaskedAnywhereAndTheRestStays() {
        String text = "{\"note\":\"use " + JWT + " here\"}";
        String masked = MASKER.maskJwtSignatures(text);
        assertThat(masked).isEqualTo("{\"note\":\"use eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsImFkbWluX2lkIjoxfQ."
                + MASKER.mask("c2lnbmF0dXJlLXNpZ25hdHVyZQ") + " here\"}");
        assertThat(MASKER.maskJwtSignatures("no token here")).isEqualTo("no token here");
        Handshake h = MASKER.mask(new Handshake("/ws", null, List.of(new Header("X-Custom", "jwt=" + JWT)), 101, List.of(), null, List.of()));
        // A JWT in a request header is one of the session's credentials: masked whole.
        assertThat(h.requestHeaders().get(0).value()).startsWith("jwt=eyJh…[hmac:").doesNotContain("c2lnbmF0dXJl");
    }

    @Test
    void theHandshakesCredentialsAreWhatFramesAreSearchedFor() {
        Handshake h = new Handshake("/ws", "sid=2&password=p%40ssw0rd&token=short", List.of(
                new Header("Authorization", "Bearer abcdefghijklmnop"),
                new Header("Cookie", "session=0123456789abcdef; theme=dark"),
                new Header("Sec-WebSocket-Protocol", "access_token, opaque-1234")), 101, List.of(), null, List.of());
        assertThat(SecretMasker.credentials(h)).containsExactlyInAnyOrder("abcdefghijklmnop", "0123456789abcdef",
                "opaque-1234", "p%40ssw0rd", "p@ssw0rd");
    }

    @Test
    void bytesAreSplicedSoThatEverythingElseStaysByteForByte() {
        byte[] payload = new byte[] {(byte) 0xFF, 'x', 's', 'e', 'c', 'r', 'e', 't', '1', (byte) 0xC3, 0x28};
        byte[] masked = MASKER.maskBytes(payload, java.util.Set.of("secret1"));
        byte[] tag = MASKER.mask("secret1").getBytes(StandardCharsets.UTF_8);
        assertThat(masked).startsWith((byte) 0xFF, (byte) 'x').endsWith((byte) 0xC3, (byte) 0x28).hasSize(payload.length - 7 + tag.length);
        assertThat(MASKER.maskBytes(payload, java.util.Set.of("absent"))).isNull();
    }

    @Test
    void theScanFindsANeedleAcrossTheEdgeOfItsWindowAndNothingWhereThereIsNone() {
        byte[] big = new byte[200 * 1024];
        java.util.List<String> needles = java.util.List.of("eyJ", "s3cr3t-value");
        assertThat(SecretMasker.containsAny(big, needles)).isFalse();
        for (int at : new int[] {0, 64 * 1024 - 2, 64 * 1024 - 1, 128 * 1024 - 5, big.length - 12}) {
            byte[] copy = big.clone();
            byte[] needle = (at % 2 == 0 ? "eyJ" : "s3cr3t-value").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            System.arraycopy(needle, 0, copy, Math.min(at, copy.length - needle.length), needle.length);
            assertThat(SecretMasker.containsAny(copy, needles)).as("needle at %d", at).isTrue();
        }
    }
}
