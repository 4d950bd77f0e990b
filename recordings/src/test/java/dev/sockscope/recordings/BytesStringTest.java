package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Strings are encoded into the block buffer by hand: byte for byte what {@code getBytes(UTF_8)} makes, and read back. */
class BytesStringTest {
    @Test
    void writesWhatGetBytesWrites() {
        String[] golden = {"", "binary", "1 KiB: 00 01 02 …", "é", "日本語", "emoji 😀 end", "lone \uD83D high", "lone \uDE00 low",
                "\uDE00\uD83D swapped", "ends in high \uD83D"};
        for (String s : golden) {
            assertEncodedAsGetBytes(s);
        }
        Random random = new Random(20);
        char[] pool = {'a', 'Z', ' ', '\u007F', '\u0080', '\u07FF', '\u0800', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '…', 'é'};
        for (int round = 0; round < 2000; round++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = random.nextBoolean() ? pool[random.nextInt(pool.length)] : (char) random.nextInt(0x10000);
            }
            assertEncodedAsGetBytes(new String(chars));
        }
    }

    private static void assertEncodedAsGetBytes(String s) {
        byte[] expected = s.getBytes(StandardCharsets.UTF_8);
        Bytes.Out out = new Bytes.Out(1);
        out.string(s);
        byte[] written = out.toArray();
        Bytes.Out head = new Bytes.Out(1);
        head.varlong(expected.length);
        byte[] prefix = head.toArray();
        assertThat(Arrays.copyOfRange(written, prefix.length, written.length)).as("UTF-8 of %s", s).isEqualTo(expected);
        assertThat(Arrays.copyOfRange(written, 0, prefix.length)).as("length of %s", s).isEqualTo(prefix);
        assertThat(new Bytes.In(written, "test").string()).isEqualTo(new String(expected, StandardCharsets.UTF_8));
    }
}
