package dev.sockscope.capture;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus the relay publishes to. Its lossless subscriber (the decoding stage) turns a full queue into TCP
 * backpressure: the relay asks {@link #whenCapacity} before it reads the next frame from a socket.
 *
 * <p>The relay waits for room only so long ({@link #maxWait}, 500 ms by default): a recorder that is slower than the
 * traffic must not freeze the user's app. Once the queue has been full for that long, recording <em>lags</em>: the
 * relay reads again, and every message published until the queue is back under its limits is recorded with its first
 * {@value #LAG_KEPT_BYTES} bytes and a note that says so ({@link PartialPayload}); the frame itself, its size and
 * its place in the session are always recorded. Lag starts and clears with one log line each, and {@link #lag()}
 * says how far behind recording is. Past twice its limits (the recorder is stuck, not slow) the queue holds the
 * relay again for as long as it takes, which keeps memory bounded.
 */
public final class CaptureBus extends EventBus<CaptureEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureBus.class);
    /** Bytes an event costs beyond its payload, for queue accounting. */
    static final int EVENT_OVERHEAD = 128;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(500);
    /** What a message published while recording lags keeps of its payload: enough for a label, a request id, an error. */
    public static final int LAG_KEPT_BYTES = 1024;
    /** While lagging, the queue may grow to this many times its limits before the relay waits again. */
    static final int CEILING = 2;

    /**
     * How far behind recording is.
     *
     * @param lagging     whether messages are being recorded in part now
     * @param sinceMillis when the current lag started (epoch milliseconds), 0 when not lagging
     * @param behind      what is queued before the recorder now
     * @param cutFrames   messages recorded in part since the proxy started, because recording lagged
     */
    public record Lag(boolean lagging, long sinceMillis, Backlog behind, long cutFrames) {
    }

    private final Duration maxWait;
    private final long maxWaitNanos;
    /** When the queue was first seen full; 0 while it has room. */
    private final AtomicLong fullSince = new AtomicLong();
    /** Set while lagging: when it started (epoch ms). */
    private volatile long laggingSinceMillis;
    private volatile boolean lagging;
    private final AtomicLong lagCutFrames = new AtomicLong(); // messages cut in the current lag
    private final AtomicLong cutFrames = new AtomicLong();
    private volatile Consumer<Backlog.Counter> countBehind = counter -> { };
    private ScheduledExecutorService timer; // guarded by this; started when first needed

    public CaptureBus() {
        this(DEFAULT_MAX_WAIT);
    }

    /** @param maxWait how long the relay may wait for room before messages are recorded in part (zero: never waits) */
    public CaptureBus(Duration maxWait) {
        super(CaptureBus::weightOf);
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the wait for the recorder cannot be negative: " + maxWait);
        }
        this.maxWait = maxWait;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** How long the relay waits for room before messages are recorded in part. */
    public Duration maxWait() {
        return maxWait;
    }

    /** Tells the bus how to count what a stage behind it still holds (the decoding stage's queue to the recorder). */
    public void countBehindWith(Consumer<Backlog.Counter> counter) {
        this.countBehind = counter;
    }

    static long weightOf(CaptureEvent event) {
        if (event instanceof CaptureEvent.FrameCaptured f) {
            return EVENT_OVERHEAD + f.frame().payload().length;
        }
        return EVENT_OVERHEAD * 8L;
    }

    /**
     * True when the queue has room, or has been full for longer than {@link #maxWait} but is within its ceiling (then
     * recording lags); false once a lossless subscriber failed.
     */
    @Override
    public boolean hasCapacity() {
        if (failure().isPresent()) {
            return false;
        }
        if (super.hasCapacity()) {
            if (fullSince.get() != 0) {
                fullSince.set(0);
            }
            if (lagging) {
                caughtUp();
            }
            return true;
        }
        long now = System.nanoTime();
        long since = fullSince.updateAndGet(v -> v == 0 ? now : v);
        if (now - since < maxWaitNanos) {
            return false;
        }
        if (!lagging) {
            startLag();
        }
        return hasCapacity(CEILING);
    }

    /** As {@link EventBus#whenCapacity}, and also once the wait reaches {@link #maxWait}. */
    @Override
    public void whenCapacity(Runnable resume) {
        if (hasCapacity()) {
            resume.run();
            return;
        }
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                resume.run();
            }
        };
        super.whenCapacity(once);
        if (!ran.get() && !lagging && failure().isEmpty()) {
            long since = fullSince.get();
            long left = since == 0 ? maxWaitNanos : since + maxWaitNanos - System.nanoTime();
            schedule(once, Math.max(0, left) + 1_000_000);
        }
    }

    /** Publishes; while recording lags, a message's payload is cut to {@value #LAG_KEPT_BYTES} bytes first. */
    @Override
    public void publish(CaptureEvent event) {
        if (lagging && event instanceof CaptureEvent.FrameCaptured f && f.frame().size() > LAG_KEPT_BYTES) {
            event = new CaptureEvent.FrameCaptured(PartialPayload.cut(f.frame(), LAG_KEPT_BYTES,
                    "the recorder was more than " + maxWait.toMillis() + " ms behind (--record-wait)"));
            cutFrames.incrementAndGet();
            lagCutFrames.incrementAndGet();
        }
        super.publish(event);
    }

    /** How far behind recording is now. */
    public Lag lag() {
        return new Lag(lagging, lagging ? laggingSinceMillis : 0, backlog(), cutFrames.get());
    }

    /** What is queued before the recorder: this bus's queue and the stage's behind it. */
    public Backlog backlog() {
        Backlog.Counter counter = new Backlog.Counter();
        forEachQueued(e -> {
            if (e instanceof CaptureEvent.FrameCaptured f) {
                counter.frame(f.sessionId(), f.frame().size());
            } else {
                counter.session(e.sessionId());
            }
        });
        countBehind.accept(counter);
        return counter.total();
    }

    private void startLag() {
        synchronized (this) {
            if (lagging) {
                return;
            }
            laggingSinceMillis = System.currentTimeMillis();
            lagCutFrames.set(0);
            lagging = true;
        }
        // Counting the backlog walks the queues: on the timer's thread, not the relay thread that noticed the lag.
        schedule(() -> LOG.warn("recording is behind ({} waiting to be written): the relay waits for it no longer than {} ms"
                + " (--record-wait), so until it catches up each message keeps its first {} bytes in the recording, with a note",
                backlog().describe(), maxWait.toMillis(), LAG_KEPT_BYTES), 0);
        watchForCatchUp();
    }

    private void caughtUp() {
        long cut;
        long since;
        synchronized (this) {
            if (!lagging) {
                return;
            }
            lagging = false;
            cut = lagCutFrames.get();
            since = laggingSinceMillis;
        }
        LOG.info("recording caught up after {} ms; {} messages were recorded in part meanwhile",
                System.currentTimeMillis() - since, cut);
    }

    /** Lag may clear while no relay reads (traffic stopped): look every 100 ms. */
    private void watchForCatchUp() {
        schedule(() -> {
            if (lagging && (isDrained() || super.hasCapacity())) {
                fullSince.set(0);
                caughtUp();
            }
            if (lagging && !isDrained()) {
                watchForCatchUp();
            }
        }, TimeUnit.MILLISECONDS.toNanos(100));
    }

    private synchronized void schedule(Runnable task, long delayNanos) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sockscope-record-wait");
                t.setDaemon(true);
                return t;
            });
        }
        if (!timer.isShutdown()) {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close(Duration timeout) {
        super.close(timeout);
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
