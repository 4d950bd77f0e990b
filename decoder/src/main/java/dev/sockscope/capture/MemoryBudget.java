package dev.sockscope.capture;

import java.time.Duration;

/**
 * The one figure that bounds what recording may hold in memory ({@code --memory}), split by fixed shares among the
 * four places that hold payloads: the capture queue (relay → decoding), the decoded queue (decoding → recorder), the
 * messages the relay is still assembling for the recording, and the store's page cache (H2's {@code CACHE_SIZE}).
 * Every component takes its share from here, so the total is stated once and nothing computes its own part of the
 * heap. Working copies while a batch is encoded and written come on top (a few times one batch, not the queues).
 *
 * @param totalBytes the whole budget; each share is a quarter of it
 */
public record MemoryBudget(long totalBytes) {
    /** Below this the queues could not hold one large message each: refused with this figure. */
    public static final long MIN_BYTES = 16L << 20;
    /** The default is this part of the heap ({@code -Xmx}), as the four separate budgets together were before. */
    static final int DEFAULT_HEAP_PERCENT = 40;
    /** The default never grows beyond this, whatever the heap: 256 MiB for each share. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** A budget may take at most this part of the heap: the relay, Jetty and the inspector need the rest. */
    static final int MAX_HEAP_PERCENT = 75;
    /** Each queue also stops at this many events, whatever their size (tiny frames cost more than their bytes). */
    static final int MAX_QUEUED_EVENTS = 200_000;

    public MemoryBudget {
        if (totalBytes < MIN_BYTES) {
            throw new IllegalArgumentException("a memory budget of " + describeSize(totalBytes) + " is too small: at least "
                    + describeSize(MIN_BYTES) + " (a quarter each for the capture queue, the decoded queue, messages in flight"
                    + " and the store's cache)");
        }
    }

    /** The default for this JVM: 40 % of its heap, at most 1 GiB, at least {@link #MIN_BYTES}. */
    public static MemoryBudget forThisHeap() {
        return forHeap(Runtime.getRuntime().maxMemory());
    }

    /** The default for a heap of {@code maxHeapBytes}. */
    public static MemoryBudget forHeap(long maxHeapBytes) {
        long share = maxHeapBytes / 100 * DEFAULT_HEAP_PERCENT;
        return new MemoryBudget(Math.max(MIN_BYTES, Math.min(DEFAULT_MAX_BYTES, share)));
    }

    /**
     * A budget someone asked for ({@code --memory}), checked against this JVM's heap: too small or more than 3/4 of
     * the heap is refused with a message that says the bounds.
     */
    public static MemoryBudget chosen(long totalBytes) {
        return chosen(totalBytes, Runtime.getRuntime().maxMemory());
    }

    static MemoryBudget chosen(long totalBytes, long maxHeapBytes) {
        long most = maxHeapBytes / 100 * MAX_HEAP_PERCENT;
        if (totalBytes > most) {
            throw new IllegalArgumentException("a memory budget of " + describeSize(totalBytes) + " does not fit this JVM's heap of "
                    + describeSize(maxHeapBytes) + ": at most " + describeSize(most) + " (3/4 of -Xmx); raise -Xmx or lower --memory");
        }
        return new MemoryBudget(totalBytes);
    }

    /** What the capture queue (relay → decoding stage) holds before the relay waits. */
    public long captureQueueBytes() {
        return totalBytes / 4;
    }

    /** What the decoded queue (decoding stage → recorder) holds before the decoding stage waits. */
    public long decodedQueueBytes() {
        return totalBytes / 4;
    }

    /** What all sessions together may hold in messages still being assembled; beyond it a message is recorded in part. */
    public long messageBytes() {
        return totalBytes / 4;
    }

    /** The store's page cache (H2's CACHE_SIZE). */
    public long storeCacheBytes() {
        return totalBytes - captureQueueBytes() - decodedQueueBytes() - messageBytes();
    }

    public EventBus.Limits captureQueue(Duration linger) {
        return new EventBus.Limits(captureQueueBytes(), MAX_QUEUED_EVENTS, linger);
    }

    public EventBus.Limits decodedQueue(Duration linger) {
        return new EventBus.Limits(decodedQueueBytes(), MAX_QUEUED_EVENTS, linger);
    }

    /** One line for the start-up log: {@code memory budget 409 MiB: capture queue 102 MiB, ...}. */
    public String describe() {
        return "memory budget " + describeSize(totalBytes) + ": capture queue " + describeSize(captureQueueBytes())
                + ", decoded queue " + describeSize(decodedQueueBytes()) + ", messages in flight " + describeSize(messageBytes())
                + ", store cache " + describeSize(storeCacheBytes());
    }

    static String describeSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            long tenths = Math.round(bytes * 10.0 / (1L << 20));
            return (tenths % 10 == 0 ? String.valueOf(tenths / 10) : tenths / 10 + "." + tenths % 10) + " MiB";
        }
        if (bytes >= 1L << 10) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
