package dev.sockscope.proxy.intercept;

/** Where a held message is released to: the lane of the session and direction that waits for it. */
public interface HoldOwner {
    /** Carries out {@code decision} (never a hold) for the held message {@code holdId}, then what waited behind it. */
    void release(long holdId, Decision decision);

    /** How many messages of its direction wait behind the held one. */
    int queuedBehind();

    /** Runs {@code task} once after {@code delay}, on a timer (a delayed message's release), never on the caller's thread. */
    default void later(java.time.Duration delay, Runnable task) {
        throw new UnsupportedOperationException("this lane's owner has no timer: it cannot delay a message");
    }
}
