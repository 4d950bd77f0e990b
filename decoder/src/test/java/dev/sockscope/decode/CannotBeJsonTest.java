package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The session skips the JSON parse of text that cannot be one document (a SignalR frame): it must never say so of text
 * Jackson parses, and it must say so of SignalR's records, or the saving is gone.
 */
class CannotBeJsonTest {
    @Test
    void saysSoOfSignalRFramesAndOfNothingThatParses() {
        assertThat(JsonText.cannotBeJson(bytes("{\"type\":1,\"target\":\"send\",\"arguments\":[\"hi\"]}\u001e"))).isTrue();
        assertThat(JsonText.cannotBeJson(bytes("{\"type\":6}\u001e{\"type\":6}\u001e"))).isTrue();
        assertThat(JsonText.cannotBeJson(bytes("{\"a\":1} \r\n\t"))).isFalse();
        assertThat(JsonText.cannotBeJson(bytes("[1,2]"))).isFalse();
        Random random = new Random(20);
        String alphabet = "{}[]\":,1 \n\u001ea";
        int parsed = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "{" : "[");
            for (int i = random.nextInt(8); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] payload = bytes(text.toString());
            if (JsonText.parse(payload) instanceof JsonText.Ok) {
                parsed++;
                assertThat(JsonText.cannotBeJson(payload)).as(text.toString()).isFalse();
            }
        }
        assertThat(parsed).as("random texts that parse").isGreaterThan(50);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
