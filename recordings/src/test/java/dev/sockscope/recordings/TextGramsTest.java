package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TextGramsTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 {}\":,._-";

    private static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    @Test
    void everyPieceOfTheBlockInAnyCaseIsPossible() {
        Random random = new Random(7);
        String block = randomText(random, 256 << 10);
        byte[] signature = TextGrams.ofText(block.getBytes(StandardCharsets.US_ASCII));
        assertThat(signature).as("random text: one bit per byte, the most").hasSize(32 << 10);
        for (int i = 0; i < 20_000; i++) {
            int at = random.nextInt(block.length() - 40);
            String piece = block.substring(at, at + 3 + random.nextInt(30));
            assertThat(TextGrams.mayContain(signature, piece.toLowerCase(java.util.Locale.ROOT))).as(piece).isTrue();
        }
    }

    @Test
    void textTheBlockLacksIsAlmostAlwaysRuledOut() {
        Random random = new Random(11);
        byte[] signature = TextGrams.ofText(randomText(random, 256 << 10).getBytes(StandardCharsets.US_ASCII));
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            if (TextGrams.mayContain(signature, "order#" + randomText(random, 6).toLowerCase(java.util.Locale.ROOT))) {
                passed++;
            }
        }
        // random text is the worst case (every trigram distinct); chat JSON repeats its keys and fills far fewer bits
        assertThat(passed).as("blocks read for nothing, of 10 000 absent texts").isLessThan(100);
    }

    @Test
    void repetitiveJsonGetsASmallSignature() {
        StringBuilder block = new StringBuilder();
        for (int i = 0; block.length() < 256 << 10; i++) {
            block.append("{\"name\":\"Event.SendMessage\",\"args\":{\"chat_id\":").append(i % 500)
                    .append(",\"text\":\"hello number ").append(i).append("\"}}");
        }
        byte[] signature = TextGrams.ofText(block.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(signature.length).as("bytes for a 256 KiB block").isLessThanOrEqualTo(1024);
        assertThat(TextGrams.mayContain(signature, "event.sendmessage")).isTrue();
        assertThat(TextGrams.mayContain(signature, "number 1234")).isTrue();
        assertThat(TextGrams.mayContain(signature, "goodbye")).isFalse();
    }

    @Test
    void textPayloadsAndSummariesAreSignedBinaryPayloadsAreNot() {
        java.util.function.BiFunction<dev.sockscope.wire.FrameType, String, StoredFrame> frame = (type, payload) -> new StoredFrame(
                new dev.sockscope.wire.RecordedFrame(1, 1, 1, dev.sockscope.wire.Direction.CLIENT_TO_SERVER, type,
                        payload.getBytes(StandardCharsets.UTF_8), 1, null),
                new dev.sockscope.decode.FrameDecoding("p", "L", dev.sockscope.decode.Kind.EVENT, "Summary ÄÖ text", null, null,
                        java.util.List.of()));
        byte[] signature = TextGrams.of(java.util.List.of(frame.apply(dev.sockscope.wire.FrameType.TEXT, "{\"said\":\"Hello\"}"),
                frame.apply(dev.sockscope.wire.FrameType.BINARY, "binary-bytes")));
        assertThat(TextGrams.mayContain(signature, "\"said\":\"hello")).isTrue();
        assertThat(TextGrams.mayContain(signature, "summary")).isTrue();
        assertThat(TextGrams.mayContain(signature, " text")).as("after non-ASCII letters").isTrue();
        assertThat(TextGrams.mayContain(signature, "binary-bytes")).as("binary payloads are not searched").isFalse();
        assertThat(TextGrams.mayContain(signature, "hello\"}summary")).as("no trigram spans two texts").isFalse();
    }

    @Test
    void shortOrNonAsciiTextAndUnsignedBlocksAreAlwaysPossible() {
        byte[] signature = TextGrams.ofText("{\"text\":\"hello\"}".getBytes(StandardCharsets.US_ASCII));
        assertThat(signature).as("the least: 512 bits").hasSize(64);
        assertThat(TextGrams.mayContain(signature, "zz")).as("too short to tell").isTrue();
        assertThat(TextGrams.mayContain(signature, "привет")).as("not ASCII: case folding is not bytewise").isTrue();
        assertThat(TextGrams.mayContain(signature, "hello")).isTrue();
        assertThat(TextGrams.mayContain(signature, "goodbye")).isFalse();
        assertThat(TextGrams.mayContain(null, "goodbye")).as("a block without a signature is read").isTrue();
        assertThat(TextGrams.ofText(new byte[TextGrams.MAX_SIGNED_BYTES + 1])).isNull();
        assertThat(TextGrams.mayContain(TextGrams.ofText(new byte[] {'a', 'b'}), "abc")).as("nothing signed: nothing to find").isFalse();
        assertThat(TextGrams.usable("ab")).isFalse();
        assertThat(TextGrams.usable("abc")).isTrue();
        assertThat(TextGrams.usable("прив")).isFalse();
    }
}
