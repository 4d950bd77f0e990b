package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

/** LZ4 where it pays, no compression at all for a session whose blocks do not shrink, and old deflated blocks still read. */
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
    void jsonIsCompressedWithLz4AndExpandsBackExactly() {
        BlockCompression.Compressor c = new BlockCompression.Compressor();
        BlockCompression.Stored s = c.compress(1, json());
        assertThat(s.compression()).isEqualTo(BlockCompression.LZ4);
        assertThat(s.bytes().length).isLessThan(json().length / 4);
        assertThat(BlockCompression.expand(s.bytes(), s.compression(), 0)).isEqualTo(json());
    }

    @Test
    void blocksOfEverySizeAndMixOfTextAndNoiseRoundTrip() {
        Random random = new Random(11);
        BlockCompression.Compressor c = new BlockCompression.Compressor();
        for (int size : new int[] {4 << 10, (4 << 10) + 1, 65_535, 65_536, 65_537, 256 << 10, (256 << 10) + 4097, 1 << 20}) {
            byte[] block = new byte[size];
            for (int i = 0; i < size; i++) { // half text that repeats, half noise, in runs
                block[i] = (i / 512) % 2 == 0 ? (byte) ('a' + i % 7) : (byte) random.nextInt();
            }
            BlockCompression.Stored s = c.compress(size, block);
            assertThat(s.compression()).as("%d bytes", size).isEqualTo(BlockCompression.LZ4);
            assertThat(BlockCompression.expand(s.bytes(), s.compression(), 0)).as("%d bytes", size).isEqualTo(block);
        }
    }

    @Test
    void aSmallBlockIsKeptAsEncoded() {
        byte[] small = "{\"cmd\":0,\"seq\":1}".repeat(50).getBytes(StandardCharsets.UTF_8);
        assertThat(small.length).isLessThan(BlockCompression.Compressor.MIN_COMPRESSED);
        assertThat(new BlockCompression.Compressor().compress(1, small).compression()).isEqualTo(BlockCompression.NONE);
    }

    @Test
    void aSessionWhoseBlocksDoNotShrinkIsNotTriedAgainForAWhileAndOthersAreUnaffected() {
        BlockCompression.Compressor c = new BlockCompression.Compressor();
        BlockCompression.Stored raw = c.compress(1, noise());
        assertThat(raw.compression()).isEqualTo(BlockCompression.NONE);
        assertThat(raw.bytes()).isEqualTo(noise());
        for (int i = 0; i < BlockCompression.Compressor.SKIP_AFTER_FAILURE; i++) {
            BlockCompression.Stored skipped = c.compress(1, json());
            assertThat(skipped.compression()).as("block %d after the failure", i + 1).isEqualTo(BlockCompression.NONE);
            assertThat(skipped.bytes()).isEqualTo(json());
        }
        assertThat(c.compress(2, json()).compression()).as("another session").isEqualTo(BlockCompression.LZ4);
        assertThat(c.compress(1, json()).compression()).as("tried again after the pause").isEqualTo(BlockCompression.LZ4);
    }

    @Test
    void aBlockLargerThanAnyTheReaderExpandsIsKeptAsEncoded() {
        byte[] huge = new byte[(64 << 20) + 1]; // zeros: LZ4 would shrink it to almost nothing
        BlockCompression.Stored s = new BlockCompression.Compressor().compress(1, huge);
        assertThat(s.compression()).isEqualTo(BlockCompression.NONE);
        assertThat(s.bytes()).isSameAs(huge);
    }

    /** Recordings made before LZ4 hold raw deflate (compression 1): they read as they always did. */
    @Test
    void aDeflatedBlockOfAnOlderRecordingExpands() {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        deflater.setInput(json());
        deflater.finish();
        byte[] out = new byte[json().length];
        int n = deflater.deflate(out);
        deflater.end();
        assertThat(BlockCompression.expand(Arrays.copyOf(out, n), BlockCompression.DEFLATE, 0)).isEqualTo(json());
    }

    @Test
    void aDamagedLz4BlockFailsWithAClearMessage() {
        BlockCompression.Stored s = new BlockCompression.Compressor().compress(1, json());
        byte[] cut = Arrays.copyOf(s.bytes(), s.bytes().length / 2);
        assertThatThrownBy(() -> BlockCompression.expand(cut, BlockCompression.LZ4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("frame block is");
        byte[] huge = s.bytes().clone();
        huge[0] = 0x7F; // says it holds 2 GiB
        assertThatThrownBy(() -> BlockCompression.expand(huge, BlockCompression.LZ4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame block is corrupt");
        assertThatThrownBy(() -> BlockCompression.expand(new byte[] {0, 0}, BlockCompression.LZ4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("frame block is truncated");
        assertThatThrownBy(() -> BlockCompression.expand(s.bytes(), 3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("newer than this Sockscope");
    }
}
