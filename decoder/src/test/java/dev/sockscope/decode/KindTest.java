package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Kind codes are stored in every frame block ever written: this golden table must never change, only grow. */
class KindTest {
    @Test
    void storedCodesAreFixed() {
        Map<String, Integer> codes = new LinkedHashMap<>();
        Arrays.stream(Kind.values()).forEach(k -> codes.put(k.label(), k.code()));
        assertThat(codes).containsExactly(
                Map.entry("request", 0), Map.entry("response", 1), Map.entry("error", 2), Map.entry("event", 3),
                Map.entry("heartbeat", 4), Map.entry("control", 5), Map.entry("unknown", 6));
    }

    @Test
    void aCodeFromANewerVersionReadsAsUnknown() {
        assertThat(Kind.fromCode(3)).isEqualTo(Kind.EVENT);
        assertThat(Kind.fromCode(99)).isEqualTo(Kind.UNKNOWN);
    }
}
