package dev.sockscope.proxy.intercept;

/**
 * One opinion on what happens to messages: the breakpoints are one source; a rules engine is another. The
 * {@link InterceptPoint} asks its sources in order and takes the first answer that is not null.
 *
 * <p>A source is asked on a relay thread, once per whole data message, and must answer quickly without blocking
 * (holding is done by answering {@link Decision#hold}, never by waiting). Sessions read messages one by one only
 * while some source is {@link #active}; otherwise bytes pass through untouched, so a source with nothing to do
 * should say so.
 *
 * <p>A source that is not the user (a rules engine) puts a {@link Decision.Cause} in what it decides, so that the
 * recording says which rule did what ("delayed 250 ms by rule slow-login"); the relay carries each decision out as
 * docs/intercept.md ("What rules can do to a message") describes.
 */
public interface DecisionSource {
    /** The decision for {@code message}, or null when this source has no opinion. */
    Decision decide(InterceptedMessage message);

    /** Whether {@link #decide} may return anything now; read on every relay read, so it should be a field. */
    boolean active();

    /** Whether control frames (ping, pong) are offered too; by default they pass so that keep-alives keep working. */
    default boolean wantsControlFrames() {
        return false;
    }
}
