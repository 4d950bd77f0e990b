package dev.sockscope.ui;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.sockscope.capture.Backlog;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.decode.DecodingStage;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.recordings.Recorder;
import dev.sockscope.recordings.RecordingStore;

/**
 * Stops a proxy within its {@code --stop-timeout}, losing nothing it does not own up to. Says in one line what it is
 * closing and writing; closes the sessions (1001 both ways, at most half the time); writes what is queued; with 30 %
 * of the time left, records the rest of the queue with each message's first kilobyte (each says so); with 10 % left,
 * stops writing, and says how many sessions, frames and bytes were not written. The store closes only once nothing
 * writes to it; once it has given up on the backlog, only until the deadline (a recorder stuck in a write holds the
 * store), and a store not closed by then is left to the next open, as a kill would leave it.
 */
final class GracefulStop {
    private static final Duration STUCK_BUS_WAIT = Duration.ofMillis(20);
    private static final Duration STORE_CLOSE_FLOOR = Duration.ofMillis(50);
    private final Relay relay;
    private final CaptureBus bus;
    private final DecodingStage decoding;
    private final Recorder recorder;
    private final RecordingStore store;
    private final Duration timeout;
    private final Consumer<String> say;

    GracefulStop(Relay relay, CaptureBus bus, DecodingStage decoding, Recorder recorder, RecordingStore store,
                 Duration timeout, Consumer<String> say) {
        this.relay = relay;
        this.bus = bus;
        this.decoding = decoding;
        this.recorder = recorder;
        this.store = store;
        this.timeout = timeout;
        this.say = say;
    }

    void run() {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int open = relay.activeSessions();
        Backlog queued = bus.backlog();
        say.accept("sockscope: stopping: closing " + open + (open == 1 ? " open session" : " open sessions")
                    + " (1001 both ways) and writing " + queued.describe() + " queued for the recording, within "
                    + seconds(timeout) + " (--stop-timeout)");
        Duration closing = timeout.dividedBy(2);
        relay.stop(closing.compareTo(PassThroughSession.CLOSE_DEADLINE) < 0 ? closing : PassThroughSession.CLOSE_DEADLINE);
        CompletableFuture<Void> written = decoding.flush();
        Backlog lost = null;
        if (!await(written, deadline - timeout.toNanos() * 3 / 10)) {
            decoding.hurry("the proxy was stopping with " + seconds(timeout) + " to write what was queued (--stop-timeout)");
            if (!await(written, deadline - timeout.toNanos() / 10)) {
                recorder.abandon();
                // A recorder that is writing lets go at once; the rest of the last tenth is for closing the store.
                await(written, deadline - timeout.toNanos() * 8 / 100);
                Backlog.Counter counter = new Backlog.Counter();
                recorder.countSkipped(counter);
                lost = counter.total();
                Backlog left = bus.backlog();
                lost = new Backlog(lost.sessions() + left.sessions(), lost.frames() + left.frames(), lost.bytes() + left.bytes());
            }
        }
        // The bus's threads end at once when the recorder is done; when it is stuck they do not, and waiting for them
        // would take the store's time to close.
        bus.close(lost != null ? STUCK_BUS_WAIT
                : Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime())));
        boolean closed = lost == null ? closeStore() : closeStoreBy(deadline);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (lost != null && lost.sessions() > 0) {
            say.accept("sockscope: stopped after " + seconds(took) + " with " + lost.describe() + " not written: --stop-timeout "
                    + seconds(timeout) + " was not enough; the next proxy on this folder ends the sessions left open"
                    + (closed ? "" : " (the store did not close in time: the next open recovers it as after kill -9)"));
        } else {
            // Written, but a store still closing (held by a stuck write of nothing queued) is not closed: say so.
            say.accept("sockscope: stopped after " + seconds(took) + "; everything queued was written"
                    + (closed ? "" : " (the store did not close in time: the next open recovers it as after kill -9)"));
        }
    }

    private boolean closeStore() {
        store.close();
        return true;
    }

    /**
     * Closes the store on a thread of its own and waits for it until {@code deadlineNanos} (at least
     * {@link #STORE_CLOSE_FLOOR}): a recorder stuck in a write holds the store's lock, and would hold the stop with it.
     * True when it closed.
     */
    private boolean closeStoreBy(long deadlineNanos) {
        Thread closing = new Thread(store::close, "sockscope-store-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(Math.max(STORE_CLOSE_FLOOR.toMillis(), TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !closing.isAlive();
    }

    /** Waits for {@code f} until {@code deadlineNanos}; true when it completed (or failed: then nothing more will come). */
    private static boolean await(CompletableFuture<Void> f, long deadlineNanos) {
        try {
            f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // the recorder failed; that was reported where it happened
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
