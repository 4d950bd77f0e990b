package dev.sockscope.proxy.intercept;

/** Where a held message is released to: the lane of the session and direction that waits for it. */
public interface HoldOwner {
    /** Carries out {@code decision} (never a hold) for the held message {@code holdId}, then what waited behind it. */
    void release(long holdId, Decision decision);

    /** How many messages of its direction wait behind the held one. */
    int queuedBehind();
}
