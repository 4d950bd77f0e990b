package dev.sockscope.recordings;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sockscope.wire.FrameType;

/**
 * A block's text signature ({@code block_index.grams}): a bit set of the hashed three-byte sequences of what a
 * content search reads in it (text payloads and summaries), ASCII letters folded to lower case. A block whose signature
 * lacks one of a search text's trigrams cannot hold it, so a search for rare text reads the small index rows instead
 * of inflating the whole session (a Bloom filter per block, as in a trigram index). Binary payloads are not searched
 * and not signed.
 * <p>
 * The set is sized to its block's distinct trigrams: at least two bits per trigram (so at most about 40 % of the bits
 * are set), at most one bit per signed byte. Chat JSON repeats its keys and gets a few KiB per 256 KiB block; random
 * text (base64) gets the most, 1/8 of its size, and still half its bits clear. Sizes are powers of two, and the
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

    /**
     * The signature of what a content search reads in these frames (every payload but binary ones, as text, and every
     * summary), or null when that is more than {@link #MAX_SIGNED_BYTES}.
     */
    static byte[] of(List<StoredFrame> frames) {
        long total = 0;
        for (StoredFrame f : frames) {
            total += searched(f) ? f.frame().payload().length : 0;
            total += f.decoding() == null ? 0 : f.decoding().summary().length();
        }
        if (total > MAX_SIGNED_BYTES) {
            return null;
        }
        Signer signer = new Signer((int) total);
        for (StoredFrame f : frames) {
            if (searched(f)) {
                signer.add(f.frame().payload());
            }
            if (f.decoding() != null) {
                signer.add(f.decoding().summary());
            }
        }
        return signer.finish();
    }

    /** The signature of one text (tests, and the sizes in the class comment). */
    static byte[] ofText(byte[] text) {
        if (text.length > MAX_SIGNED_BYTES) {
            return null;
        }
        Signer signer = new Signer(text.length);
        signer.add(text);
        return signer.finish();
    }

    private static boolean searched(StoredFrame f) {
        return f.frame().type() != FrameType.BINARY;
    }

    /**
     * Builds one signature: trigrams go into a set of at most one bit per byte to be signed (the thread's scratch, of
     * which only that much is cleared), which is then folded down to two bits per distinct trigram. Trigrams do not
     * span two texts: a match lies within one payload or one summary.
     */
    private static final class Signer {
        private final long[] scratch = SCRATCH.get();
        private final int log;
        private final int words;

        Signer(int bytes) {
            log = Math.min(MAX_BITS_LOG, Math.max(MIN_BITS_LOG, 32 - Integer.numberOfLeadingZeros(Math.max(1, bytes - 1))));
            words = (1 << log) / 64;
            java.util.Arrays.fill(scratch, 0, words, 0L);
        }

        void add(byte[] text) {
            if (text.length < 3) {
                return;
            }
            int window = (fold(text[0]) << 8) | fold(text[1]);
            for (int i = 2; i < text.length; i++) {
                window = ((window << 8) | fold(text[i])) & 0xFFFFFF;
                set(window);
            }
        }

        /** A string's characters as their UTF-8 bytes would be for ASCII; any other is one byte no ASCII text has. */
        void add(String text) {
            if (text.length() < 3) {
                return;
            }
            int window = (foldChar(text.charAt(0)) << 8) | foldChar(text.charAt(1));
            for (int i = 2; i < text.length(); i++) {
                window = ((window << 8) | foldChar(text.charAt(i))) & 0xFFFFFF;
                set(window);
            }
        }

        private void set(int trigram) {
            int bit = bitOf(trigram, log);
            scratch[bit >>> 6] |= 1L << (bit & 63);
        }

        byte[] finish() {
            int distinct = 0;
            for (int w = 0; w < words; w++) {
                distinct += Long.bitCount(scratch[w]);
            }
            int target = MIN_BITS_LOG;
            while (target < log && (1L << target) < 2L * distinct) {
                target++;
            }
            byte[] bits = new byte[(1 << target) / 8];
            int drop = log - target;
            for (int w = 0; w < words; w++) {
                long word = scratch[w];
                while (word != 0) {
                    int bit = ((w << 6) | Long.numberOfTrailingZeros(word)) >>> drop;
                    bits[bit >>> 3] |= (byte) (1 << (bit & 7));
                    word &= word - 1;
                }
            }
            return bits;
        }
    }

    private static int foldChar(char c) {
        return c < 0x80 ? fold((byte) c) : 0x80;
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
        if (signature == null || !usable(lowerText)) {
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
        return lowerText != null && lowerText.length() >= 3 && FrameFilter.isAscii(lowerText);
    }

    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b & 0xFF;
    }
}
