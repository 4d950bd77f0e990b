package dev.sockscope.proxy.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Utf8ContainsTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsWhatTheDecodedTextContainsAndNothingElse() {
        assertThat(Utf8Contains.contains(utf8("{\"op\":\"LOGIN\",\"name\":\"Zoë\"}"), "Zoë")).isTrue();
        assertThat(Utf8Contains.contains(utf8("{\"op\":\"LOGIN\"}"), "LOGOUT")).isFalse();
        assertThat(Utf8Contains.contains(utf8("ab"), "abc")).as("a needle longer than the message").isFalse();
        assertThat(Utf8Contains.contains(utf8("end"), "end")).as("at the very end").isTrue();
        assertThat(Utf8Contains.contains(utf8("x"), "")).isTrue();
        assertThat(Utf8Contains.contains(utf8("日本語のテキスト"), "テキ")).isTrue();
        assertThat(Utf8Contains.contains(utf8("日本語"), "本日")).isFalse();
    }

    @Test
    void agreesWithTheDecodedTextOnRandomBytesThatAreNotUtf8() {
        Random random = new Random(7);
        String[] needles = {"a", "ab", "é", "日", "\uFFFD", "a\uFFFDb", "zz"};
        for (int round = 0; round < 20_000; round++) {
            byte[] payload = new byte[random.nextInt(24)];
            for (int i = 0; i < payload.length; i++) {
                int pick = random.nextInt(6);
                payload[i] = pick == 0 ? (byte) 'a' : pick == 1 ? (byte) 'b' : pick == 2 ? (byte) 0xC3 : pick == 3 ? (byte) 0xA9
                        : (byte) random.nextInt(256);
            }
            for (String needle : needles) {
                assertThat(Utf8Contains.contains(payload, needle))
                        .as("%s in %s", needle, java.util.HexFormat.of().formatHex(payload))
                        .isEqualTo(new String(payload, StandardCharsets.UTF_8).contains(needle));
            }
        }
    }
}
