package dev.sockscope.recordings;

import java.nio.charset.StandardCharsets;

/**
 * A block's text signature ({@code block_index.grams}): a bit set of the hashed three-byte sequences of its encoded
 * bytes, ASCII letters folded to lower case. Every payload, summary, label and note is in those bytes, so a block
 * whose signature lacks one of a search text's trigrams cannot hold it, and a search for rare text reads the small
 * index rows instead of inflating the whole session (a Bloom filter per block, as in a trigram index).
 * <p>
 * The set is sized to its block's distinct trigrams: at least two bits per trigram (so at most about 40 % of the bits
 * are set), at most one bit per encoded byte. Chat JSON repeats its keys and gets a few KiB per 256 KiB block; random
 * text (base64) gets the most, 1/8 of the block, and still half its bits clear. Sizes are powers of two, and the
 * index of a trigram's bit is the top bits of its hash, so the set is built once at the largest size and folded down.
 */
final class TextGrams {
    /** Larger blocks (a few big frames each) get no signature and are always read: scanning them is cheap per frame. */
    static final int MAX_SIGNED_BYTES = 1 << 20;
    private static final int MAX_BITS_LOG = 20;
    private static final int MIN_BITS_LOG = 9;
    /** The writer's scratch set at the largest size (128 KiB), reused from block to block. */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[(1 << MAX_BITS_LOG) / 64]);

    private TextGrams() {
    }

    /** The signature of an encoded block, or null when it has none (too large, or too small to have a trigram). */
    static byte[] of(byte[] encoded) {
        if (encoded.length > MAX_SIGNED_BYTES || encoded.length < 3) {
            return null;
        }
        long[] scratch = SCRATCH.get();
        java.util.Arrays.fill(scratch, 0);
        int window = (fold(encoded[0]) << 8) | fold(encoded[1]);
        for (int i = 2; i < encoded.length; i++) {
            window = ((window << 8) | fold(encoded[i])) & 0xFFFFFF;
            int bit = bitOf(window, MAX_BITS_LOG);
            scratch[bit >>> 6] |= 1L << (bit & 63);
        }
        int distinct = 0;
        for (long word : scratch) {
            distinct += Long.bitCount(word);
        }
        int log = MIN_BITS_LOG;
        int mostLog = Math.max(MIN_BITS_LOG, 32 - Integer.numberOfLeadingZeros(encoded.length - 1)); // bits <= bytes, rounded up
        while (log < mostLog && (1L << log) < 2L * distinct) {
            log++;
        }
        byte[] bits = new byte[(1 << log) / 8];
        int drop = MAX_BITS_LOG - log;
        for (int w = 0; w < scratch.length; w++) {
            long word = scratch[w];
            while (word != 0) {
                int bit = ((w << 6) | Long.numberOfTrailingZeros(word)) >>> drop;
                bits[bit >>> 3] |= (byte) (1 << (bit & 7));
                word &= word - 1;
            }
        }
        return bits;
    }

    /** The top {@code log} bits of the trigram's Fibonacci hash: the same trigram at a smaller size is this index >>> k. */
    private static int bitOf(int trigram, int log) {
        return (trigram * 0x9E3779B1) >>> (32 - log);
    }

    /**
     * False when a block with this signature cannot hold {@code lowerText} in any ASCII case; true when it may, when
     * the block has no signature, or when the text is too short or not ASCII to tell (the block is then read).
     */
    static boolean mayContain(byte[] signature, String lowerText) {
        if (signature == null || lowerText.length() < 3 || !isAscii(lowerText)) {
            return true;
        }
        byte[] needle = lowerText.getBytes(StandardCharsets.US_ASCII);
        int log = Integer.numberOfTrailingZeros(signature.length * 8);
        int window = (needle[0] << 8) | needle[1];
        for (int i = 2; i < needle.length; i++) {
            window = ((window << 8) | needle[i]) & 0xFFFFFF;
            int bit = bitOf(window, log);
            if ((signature[bit >>> 3] & (1 << (bit & 7))) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether a search for {@code lowerText} can be answered from signatures at all. */
    static boolean usable(String lowerText) {
        return lowerText != null && lowerText.length() >= 3 && isAscii(lowerText);
    }

    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b & 0xFF;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
