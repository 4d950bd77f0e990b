package dev.sockscope.ui;

import java.time.Duration;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.MemoryBudget;

/**
 * How long recording may hold things up.
 *
 * @param recordWait  how long the relay may wait for a recorder that is behind before messages are recorded in part
 *                    (with a note), rather than freeze the sessions ({@code --record-wait})
 * @param stopTimeout how long a stopping proxy takes at most to close its sessions and write what is queued
 *                    ({@code --stop-timeout}); what it could not write by then it says, and it still exits
 * @param memory      what recording may hold in memory, split among its queues, messages in flight and the store's cache
 *                    ({@code --memory})
 */
public record RecordingOptions(Duration recordWait, Duration stopTimeout, MemoryBudget memory) {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final RecordingOptions DEFAULTS = new RecordingOptions(CaptureBus.DEFAULT_MAX_WAIT, DEFAULT_STOP_TIMEOUT);

    /** With the default memory budget for this heap. */
    public RecordingOptions(Duration recordWait, Duration stopTimeout) {
        this(recordWait, stopTimeout, MemoryBudget.forThisHeap());
    }

    public RecordingOptions withMemory(MemoryBudget value) {
        return new RecordingOptions(recordWait, stopTimeout, value);
    }

    public RecordingOptions {
        if (recordWait.isNegative() || stopTimeout.isNegative() || stopTimeout.isZero()) {
            throw new IllegalArgumentException("--record-wait must be 0 or more, --stop-timeout more than 0");
        }
    }
}
