package dev.sockscope.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.EventBus;
import dev.sockscope.capture.MemoryBudget;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.DecodingStage;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.Recorder;
import dev.sockscope.recordings.RecordingException;

/**
 * A running proxy: relay → capture bus → decoding stage and recorder, on one thread → store (live views behind the
 * stage). Closing it stops in the order that loses nothing, within the stop timeout ({@link GracefulStop}): sessions
 * closed (1001 both ways), then every queued event decoded and written, then the database closed.
 */
public final class ProxyRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
    /**
     * The recorder gathers events this long before a write: fewer commits, file writes and index rows per frame, since
     * each busy session gets one block per batch (20 ms rather than 5 gave 100 connections about 12 % more messages a
     * second; 50 rather than 20 took 40 % off the recorder's CPU in bursts of 100 connections, docs/performance.md),
     * well inside the kill -9 bound of 250 ms; the live view does not wait for it (it is fed by the decoding stage).
     */
    static final Duration RECORDER_LINGER = Duration.ofMillis(50);
    /**
     * The decoding stage gathers events this long too: a subscriber that waits for every event makes each publish on a
     * relay thread wake it (a futex call per frame, which cost the relay a third of its throughput at 1 KiB messages).
     */
    static final Duration STAGE_LINGER = Duration.ofMillis(2);

    private final RecordingStore store;
    private final StoreLocation location;
    private final CaptureBus bus;
    private final DecodingStage decoding;
    private final Relay relay;
    private final Recorder writer;
    private final RecordingOptions recording;
    /** The relay's share of the memory budget, shared with relays started beside it (a replay's loopback). */
    private final MessageBudget messages;
    private volatile Consumer<String> say = LOG::info;
    private boolean closed;

    private ProxyRuntime(RecordingStore store, StoreLocation location, CaptureBus bus, DecodingStage decoding, Recorder writer,
                         Relay relay, RecordingOptions recording, MessageBudget messages) {
        this.messages = messages;
        this.store = store;
        this.location = location;
        this.bus = bus;
        this.decoding = decoding;
        this.writer = writer;
        this.relay = relay;
        this.recording = recording;
    }

    public static ProxyRuntime start(List<Route> routes, RelayOptions options, Path db, boolean keepSecrets)
            throws RecordingException, IOException {
        return start(routes, options, db, keepSecrets, ProtocolRegistry.builtIn());
    }

    public static ProxyRuntime start(List<Route> routes, RelayOptions options, Path db, boolean keepSecrets,
                                     ProtocolRegistry protocols) throws RecordingException, IOException {
        return start(routes, null, options, db, keepSecrets, protocols);
    }

    /** Routes and, unless {@code forward} is null, the forward proxy beside them. */
    public static ProxyRuntime start(List<Route> routes, ForwardProxy forward, RelayOptions options, Path db, boolean keepSecrets,
                                     ProtocolRegistry protocols) throws RecordingException, IOException {
        return start(routes, forward, options, RecordingOptions.DEFAULTS, db, keepSecrets, protocols);
    }

    /** As above, with how long recording may hold the relay and the stop up. */
    public static ProxyRuntime start(List<Route> routes, ForwardProxy forward, RelayOptions options, RecordingOptions recording,
                                     Path db, boolean keepSecrets, ProtocolRegistry protocols) throws RecordingException, IOException {
        return start(routes, forward, options, recording, new StoreLocation.Folder(db), keepSecrets, protocols);
    }

    /** As above, recording into the store at {@code location} (a folder or a team database). */
    public static ProxyRuntime start(List<Route> routes, ForwardProxy forward, RelayOptions options, RecordingOptions recording,
                                     StoreLocation location, boolean keepSecrets, ProtocolRegistry protocols)
            throws RecordingException, IOException {
        MemoryBudget memory = recording.memory();
        RecordingStore store = Stores.openWriter(location, memory);
        CaptureBus bus = new CaptureBus(recording.recordWait());
        Recorder writer = new Recorder(store);
        // One thread decodes and writes (the recorder's); live views subscribe to what it decodes.
        DecodingStage decoding = DecodingStage.attach(bus, new CaptureDecoder(protocols, store.masker(), keepSecrets),
                memory.captureQueue(STAGE_LINGER), writer, memory.decodedQueue(RECORDER_LINGER));
        MessageBudget messages = MessageBudget.from(memory);
        try {
            dev.sockscope.proxy.intercept.InterceptPoint intercept = new dev.sockscope.proxy.intercept.InterceptPoint(
                    new dev.sockscope.ui.intercept.DecodedLabels(protocols), new dev.sockscope.wire.MicroClock());
            Relay relay = JettyRelay.start(routes, forward, options, bus, store::nextSessionId, intercept, messages);
            LOG.debug("{}", memory.describe());
            return new ProxyRuntime(store, location, bus, decoding, writer, relay, recording, messages);
        } catch (IOException | RuntimeException e) {
            bus.close(Duration.ofSeconds(5));
            store.close();
            throw e;
        }
    }

    public Relay relay() {
        return relay;
    }

    public RecordingStore store() {
        return store;
    }

    /** Where the store is: a recordings folder, or a team database. */
    public StoreLocation location() {
        return location;
    }

    /** What recording may hold in memory, and its split ({@code --memory}). */
    public MemoryBudget memory() {
        return recording.memory();
    }

    /** The relay's share of {@link #memory()}: messages still being assembled for the recording. */
    public MessageBudget messageBudget() {
        return messages;
    }

    /** The decoding stage's queue limits and what it holds back for the recorder, as they took them from {@link #memory()}. */
    public List<EventBus.Limits> queueLimits() {
        return List.of(decoding.limits(), decoding.writerLimits());
    }

    /** The relay's bus; it fails when the recorder behind the decoding stage fails. */
    public CaptureBus bus() {
        return bus;
    }

    /** The decoded events, for live views (subscribe lossy). */
    public EventBus<DecodedEvent> decoded() {
        return decoding.decoded();
    }

    /** The recorder's (or another lossless subscriber's) failure, if it failed: the relay has then stopped reading. */
    public Optional<CaptureBus.Failure> failure() {
        return bus.failure();
    }

    /** How far behind recording is (the inspector's status, the log). */
    public CaptureBus.Lag lag() {
        return bus.lag();
    }

    /** Where the stop says what it is closing and writing (default: the log); the command line prints it. */
    public void reportStopTo(Consumer<String> out) {
        this.say = out;
    }

    /** Events written to the store so far (for tests and the status line). */
    public long recordedEvents() {
        return decoding.written();
    }

    /**
     * A further relay on this runtime's bus, recorded into the same store (a replay's loopback route); the caller
     * stops it.
     */
    public Relay startRelay(List<Route> routes, RelayOptions options) throws IOException {
        return JettyRelay.start(routes, null, options, bus, store::nextSessionId,
                dev.sockscope.proxy.intercept.InterceptPoint.withoutLabels(), messages);
    }

    /**
     * Waits until no session is open and everything published by then has been decoded and written: a drain barrier,
     * no polling. Fails loudly when that takes longer than {@code timeout}, or when recording has failed.
     */
    public void awaitRecorded(Duration timeout) throws InterruptedException {
        awaitRecorded(relay, timeout);
    }

    /** {@link #awaitRecorded(Duration)} for the sessions of {@code of}, a relay started with {@link #startRelay}. */
    public void awaitRecorded(Relay sessionsOf, Duration timeout) throws InterruptedException {
        try {
            sessionsOf.whenIdle().thenCompose(idle -> decoding.flush()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("not everything was recorded within " + timeout + ": "
                    + sessionsOf.activeSessions() + " sessions still open, " + decoding.heldBackCount() + " events decoded and waiting to be written");
        } catch (ExecutionException e) {
            throw new IllegalStateException("recording failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        new GracefulStop(relay, bus, decoding, writer, store, recording.stopTimeout(), say).run();
        LOG.debug("stopped; {} events recorded", decoding.written());
    }
}
