package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Deflate where it pays, and no deflate at all for a session whose blocks do not shrink. */
class BlockCompressionTest {
    private static byte[] json() {
        return "{\"cmd\":0,\"seq\":12,\"opcode\":64,\"payload\":{\"chatId\":12345,\"text\":\"hello\"}}".repeat(200)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] noise() {
        byte[] b = new byte[16 << 10];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    void jsonIsDeflatedAndExpandsBackExactly() {
        BlockCompression.Compressor c = new BlockCompression.Compressor();
        BlockCompression.Stored s = c.compress(1, json());
        assertThat(s.compression()).isEqualTo(BlockCompression.DEFLATE);
        assertThat(s.bytes().length).isLessThan(json().length / 4);
        assertThat(BlockCompression.expand(s.bytes(), s.compression(), json().length)).isEqualTo(json());
    }

    @Test
    void aSmallBlockIsKeptAsEncoded() {
        byte[] small = "{\"cmd\":0,\"seq\":1}".repeat(50).getBytes(StandardCharsets.UTF_8);
        assertThat(small.length).isLessThan(BlockCompression.Compressor.MIN_DEFLATED);
        assertThat(new BlockCompression.Compressor().compress(1, small).compression()).isEqualTo(BlockCompression.NONE);
    }

    @Test
    void aSessionWhoseBlocksDoNotShrinkIsNotTriedAgainForAWhileAndOthersAreUnaffected() {
        BlockCompression.Compressor c = new BlockCompression.Compressor();
        assertThat(c.compress(1, noise()).compression()).isEqualTo(BlockCompression.NONE);
        for (int i = 0; i < BlockCompression.Compressor.SKIP_AFTER_FAILURE; i++) {
            BlockCompression.Stored skipped = c.compress(1, json());
            assertThat(skipped.compression()).as("block %d after the failure", i + 1).isEqualTo(BlockCompression.NONE);
            assertThat(skipped.bytes()).isEqualTo(json());
        }
        assertThat(c.compress(2, json()).compression()).as("another session").isEqualTo(BlockCompression.DEFLATE);
        assertThat(c.compress(1, json()).compression()).as("tried again after the pause").isEqualTo(BlockCompression.DEFLATE);
    }
}
