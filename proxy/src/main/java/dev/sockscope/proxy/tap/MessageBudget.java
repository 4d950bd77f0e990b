package dev.sockscope.proxy.tap;

import java.util.concurrent.atomic.AtomicLong;

import dev.sockscope.capture.MemoryBudget;

/**
 * The memory all sessions together may hold in messages still being assembled for the recording. A message
 * that would go over it is recorded in part (and says so); relaying never waits for it, so eight clients
 * sending 60 MiB at once cost this much, not 480 MiB.
 */
public final class MessageBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MessageBudget(long limitBytes) {
        this.limit = limitBytes;
    }

    /** This share of a proxy's one {@link MemoryBudget} ({@code --memory}). */
    public static MessageBudget from(MemoryBudget memory) {
        return new MessageBudget(memory.messageBytes());
    }

    public static MessageBudget unlimited() {
        return new MessageBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if not. */
    public boolean tryTake(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void give(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
