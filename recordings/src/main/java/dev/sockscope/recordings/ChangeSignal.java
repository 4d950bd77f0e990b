package dev.sockscope.recordings;

import java.time.Duration;

/**
 * Tells a reader that some writer committed to the store (a session started or ended, frames appended), so that it
 * looks at once instead of at its next poll. A team store sends it with PostgreSQL's LISTEN/NOTIFY; while the signal
 * is down ({@link #live} false) the reader polls at its own pace.
 */
public interface ChangeSignal extends AutoCloseable {
    /** Waits up to {@code max} for a change; true if one came since the last call (false also while the signal is down). */
    boolean await(Duration max) throws InterruptedException;

    /** Whether changes are signalled now. */
    boolean live();

    @Override
    void close();
}
