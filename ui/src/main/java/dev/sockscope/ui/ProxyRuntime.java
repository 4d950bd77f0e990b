package dev.sockscope.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.Recorder;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.capture.CaptureBus;

/**
 * A running proxy with its recorder: store ← recorder (decodes) ← bus ← relay. Closing it stops in the order that
 * loses nothing: sessions closed (1001 both ways), then every queued event written, then the database closed.
 */
public final class ProxyRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
    /** The recorder gathers events this long before a write: fewer commits, well inside the 100 ms durability bound. */
    static final Duration RECORDER_LINGER = Duration.ofMillis(5);

    private final H2RecordingStore store;
    private final CaptureBus bus;
    private final Relay relay;
    private final CaptureBus.Subscription recorder;
    private boolean closed;

    private ProxyRuntime(H2RecordingStore store, CaptureBus bus, CaptureBus.Subscription recorder, Relay relay) {
        this.store = store;
        this.bus = bus;
        this.recorder = recorder;
        this.relay = relay;
    }

    public static ProxyRuntime start(List<Route> routes, RelayOptions options, Path db, boolean keepSecrets)
            throws RecordingException, IOException {
        return start(routes, options, db, keepSecrets, ProtocolRegistry.builtIn());
    }

    public static ProxyRuntime start(List<Route> routes, RelayOptions options, Path db, boolean keepSecrets,
                                     ProtocolRegistry protocols) throws RecordingException, IOException {
        H2RecordingStore store = H2RecordingStore.open(db);
        CaptureBus bus = new CaptureBus();
        CaptureBus.Subscription recorder = bus.subscribe("recorder", new Recorder(store, keepSecrets, protocols),
                CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.forThisHeap().withLinger(RECORDER_LINGER));
        try {
            Relay relay = JettyRelay.start(routes, options, bus, store::nextSessionId);
            return new ProxyRuntime(store, bus, recorder, relay);
        } catch (IOException | RuntimeException e) {
            bus.close(Duration.ofSeconds(5));
            store.close();
            throw e;
        }
    }

    public Relay relay() {
        return relay;
    }

    public H2RecordingStore store() {
        return store;
    }

    public CaptureBus bus() {
        return bus;
    }

    /** The recorder's (or another lossless subscriber's) failure, if it failed: the relay has then stopped reading. */
    public java.util.Optional<CaptureBus.Failure> failure() {
        return bus.failure();
    }

    /** Events written to the store so far (for tests and the status line). */
    public long recordedEvents() {
        return recorder.delivered();
    }

    /** Waits (up to {@code timeout}) until no session is open and the recorder has written everything published. */
    public void awaitRecorded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((relay.activeSessions() > 0 || recorder.queued() > 0 || recorder.busy()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        relay.stop(Duration.ofSeconds(5));
        bus.close(Duration.ofSeconds(60));
        store.close();
        LOG.debug("stopped; {} events recorded", recorder.delivered());
    }
}
