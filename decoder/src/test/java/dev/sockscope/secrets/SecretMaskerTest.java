package dev.sockscope.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;

class SecretMaskerTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsImFkbWluX2lkIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

    @Test
    void bearerKeepsItsSchemeAndAShortPrefix() {
        String masked = SecretMasker.maskHeaderValue("Authorization", "Bearer abcdefghijklmnop");
        assertThat(masked).startsWith("Bearer abcd…[sha256:").doesNotContain("efghijklmnop");
    }

    @Test
    void sameSecretSameMaskDifferentSecretDifferentMask() {
        assertThat(SecretMasker.mask("token-one-1234")).isEqualTo(SecretMasker.mask("token-one-1234"));
        assertThat(SecretMasker.mask("token-one-1234")).isNotEqualTo(SecretMasker.mask("token-two-1234"));
    }

    @Test
    void shortSecretsRevealAtMostAQuarter() {
        assertThat(SecretMasker.mask("abcd")).startsWith("a…");
        assertThat(SecretMasker.mask("ab")).startsWith("…");
    }

    @Test
    void cookieValuesAreMaskedNamesKept() {
        String masked = SecretMasker.maskHeaderValue("Cookie", "zavodchat_token=6f1c2d3e-0000-4b5a-9c8d-1234567890ab; theme=dark");
        assertThat(masked).startsWith("zavodchat_token=6f1c…[sha256:").contains("; theme=").doesNotContain("1234567890ab");
    }

    @Test
    void subprotocolTokensAreMaskedButProtocolNamesKept() {
        String masked = SecretMasker.maskHeaderValue("Sec-WebSocket-Protocol", "access_token, " + JWT);
        assertThat(masked).startsWith("access_token, eyJh…[sha256:").doesNotContain("c2lnbmF0dXJl");
        assertThat(SecretMasker.maskHeaderValue("Sec-WebSocket-Protocol", "graphql-transport-ws, mqtt"))
                .isEqualTo("graphql-transport-ws, mqtt");
    }

    @Test
    void otherHeadersAreUntouched() {
        assertThat(SecretMasker.maskHeaderValue("platform", "qq")).isEqualTo("qq");
        assertThat(SecretMasker.maskHeaderValue("User-Agent", "Mozilla/5.0")).isEqualTo("Mozilla/5.0");
    }

    @Test
    void credentialQueryParametersAreMasked() {
        assertThat(SecretMasker.maskQuery("sid=2")).isEqualTo("sid=2");
        assertThat(SecretMasker.maskQuery("sid=2&token=supersecretvalue")).startsWith("sid=2&token=supe…[sha256:");
    }

    @Test
    void handshakeMaskingCoversBothDirections() {
        Handshake h = new Handshake("/ws", "access_token=abcdefgh12345678", List.of(new Header("authorization", "tok-1234567890")),
                101, List.of(new Header("Set-Cookie", "sid=abcdef123456; Path=/")), "access_token", List.of());
        Handshake m = SecretMasker.mask(h);
        assertThat(m.query()).doesNotContain("12345678");
        assertThat(m.requestHeaders().get(0).value()).doesNotContain("567890");
        assertThat(m.responseHeaders().get(0).value()).startsWith("sid=abc…").endsWith("; Path=/");
        assertThat(m.subprotocol()).isEqualTo("access_token");
        assertThat(SecretMasker.isMasked(m.requestHeaders().get(0).value())).isTrue();
    }
}
