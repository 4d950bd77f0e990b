package dev.sockscope.proxy.intercept;

/**
 * A message waiting for the user: what it is, which source held it and since when, and the lane it blocks.
 *
 * @param id          what releases it ({@link InterceptPoint#release})
 * @param message     the message as its receiver would read it
 * @param why         which source held it ({@code breakpoint 3})
 * @param heldAtMicros when it was held (microseconds since the epoch)
 * @param queuedBehind messages of the same direction waiting behind it when it was listed
 */
public record HeldMessage(long id, InterceptedMessage message, String why, long heldAtMicros, int queuedBehind) {
}
