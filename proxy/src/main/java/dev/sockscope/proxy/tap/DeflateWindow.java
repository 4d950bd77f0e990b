package dev.sockscope.proxy.tap;

/**
 * The last 32 KiB of uncompressed bytes of one direction's compressed messages: the history its receiver's inflater
 * holds under context takeover. The relay primes its own {@code Deflater} with it when it starts re-encoding that
 * direction, so that the receiver's history stays valid. Fed once per message with the message's tail only.
 */
final class DeflateWindow {
    static final int SIZE = 32 * 1024;
    private final byte[] ring = new byte[SIZE];
    private int end;
    private long filled;
    private boolean sinceStart = true;

    /** The last {@code n} bytes of {@code b} from {@code off} ended a message the receiver inflated. */
    void add(byte[] b, int off, int n) {
        int skip = Math.max(0, n - SIZE);
        off += skip;
        n -= skip;
        int first = Math.min(n, SIZE - end);
        System.arraycopy(b, off, ring, end, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        end = (end + n) % SIZE;
        filled += n + skip;
    }

    /** A message was inflated but not kept whole: the history is unknown until 32 KiB more have been seen. */
    void lost() {
        sinceStart = false;
        filled = 0;
    }

    /** Whether {@link #bytes} is the receiver's history. */
    boolean known() {
        return sinceStart || filled >= SIZE;
    }

    /** The history, oldest byte first (shorter than 32 KiB early in a session). */
    byte[] bytes() {
        int n = (int) Math.min(filled, SIZE);
        byte[] out = new byte[n];
        int start = Math.floorMod(end - n, SIZE);
        int first = Math.min(n, SIZE - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, n - first);
        return out;
    }
}
