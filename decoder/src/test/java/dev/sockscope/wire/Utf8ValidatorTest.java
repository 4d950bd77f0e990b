package dev.sockscope.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8ValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "héllo", "Привет, мир", "你好，世界", "emoji 😀 and 𝄞", "\u0000 nul is valid"})
    void acceptsValidText(String text) {
        assertThat(Utf8Validator.isValid(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "C328",         // bad continuation
            "C0AF",         // overlong '/'
            "E080AF",       // overlong, 3 bytes
            "EDA080",       // UTF-16 surrogate U+D800
            "F4908080",     // above U+10FFFF
            "FF",           // never valid
            "80",           // lone continuation
            "E282"          // cut off at the end
    })
    void rejectsMalformedSequences(String hex) {
        assertThat(Utf8Validator.isValid(java.util.HexFormat.of().parseHex(hex))).isFalse();
    }

    @Test
    void followsACharacterSplitAcrossFragments() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        Utf8Validator v = new Utf8Validator();
        assertThat(v.update(ByteBuffer.wrap(euro, 0, 1))).isTrue();
        assertThat(v.isCompleteAndValid()).isFalse();
        assertThat(v.update(ByteBuffer.wrap(euro, 1, 2))).isTrue();
        assertThat(v.isCompleteAndValid()).isTrue();
    }

    @Test
    void doesNotConsumeTheBuffer() {
        ByteBuffer b = ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8));
        new Utf8Validator().update(b);
        assertThat(b.remaining()).isEqualTo(3);
    }
}
