package dev.sockscope.wire;

import java.time.Instant;

/** Wall-clock microseconds since the epoch, read cheaply and never going backwards within a run. */
public final class MicroClock {
    private final long epochMicrosAtStart;
    private final long nanoAtStart;

    public MicroClock() {
        Instant now = Instant.now();
        this.nanoAtStart = System.nanoTime();
        this.epochMicrosAtStart = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public long nowMicros() {
        return epochMicrosAtStart + (System.nanoTime() - nanoAtStart) / 1_000;
    }
}
