package dev.sockscope.ui.mock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.RecordingOptions;

/**
 * Recorded sessions served as the upstream ({@code sockscope mock}): a {@link RecordedUpstream} hosted like the demo's
 * simulators, behind a relay route on the listen address, so that what clients do against the mock is recorded,
 * decoded and browsable like any session.
 */
public final class MockServer implements AutoCloseable {
    private final SimulatorServer upstream;
    private final Relay relay;
    /** The runtime this mock started and stops; null for a mock inside a running proxy's runtime. */
    private final ProxyRuntime owned;
    private final StoreLocation location;

    private MockServer(SimulatorServer upstream, Relay relay, ProxyRuntime owned, StoreLocation location) {
        this.upstream = upstream;
        this.relay = relay;
        this.owned = owned;
        this.location = location;
    }

    /** Thrown when a session to serve is not in the folder. */
    public static final class NoSuchSession extends Exception {
        NoSuchSession(String message) {
            super(message);
        }
    }

    public static MockServer start(Path db, List<Long> sessionIds, String listenHost, int listenPort, ProtocolRegistry protocols,
                                   RecordedUpstream.Unmatched unmatched, RecordedUpstream.Latency latency,
                                   Consumer<String> report)
            throws RecordingException, IOException, NoSuchSession {
        return start(new StoreLocation.Folder(db), sessionIds, listenHost, listenPort, protocols, unmatched, latency, report);
    }

    /** A mock of its own, read from and recorded into the store at {@code db}. */
    public static MockServer start(StoreLocation db, List<Long> sessionIds, String listenHost, int listenPort, ProtocolRegistry protocols,
                                   RecordedUpstream.Unmatched unmatched, RecordedUpstream.Latency latency,
                                   Consumer<String> report)
            throws RecordingException, IOException, NoSuchSession {
        RecordedUpstream mock;
        try (RecordingStore store = Stores.openReader(db)) {
            mock = upstreamOf(store, sessionIds, protocols, unmatched, latency, report);
        }
        SimulatorServer upstream = SimulatorServer.start("127.0.0.1", List.<Simulator<?>>of(mock));
        try {
            ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route(listenHost, listenPort, upstream.uri(mock.name()))),
                    null, RelayOptions.defaults(), RecordingOptions.DEFAULTS, db, false, protocols);
            return new MockServer(upstream, runtime.relay(), runtime, runtime.location());
        } catch (RecordingException | IOException | RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    /**
     * A mock inside a running proxy (or demo): read from and recorded into its store, on a relay of its runtime, so that
     * {@code sockscope mock} works while that proxy holds the folder. Closing it leaves the runtime running.
     */
    public static MockServer startInside(ProxyRuntime runtime, List<Long> sessionIds, String listenHost, int listenPort,
                                         ProtocolRegistry protocols, RecordedUpstream.Unmatched unmatched,
                                         RecordedUpstream.Latency latency, Consumer<String> report)
            throws RecordingException, IOException, NoSuchSession {
        RecordedUpstream mock = upstreamOf(runtime.store(), sessionIds, protocols, unmatched, latency, report);
        SimulatorServer upstream = SimulatorServer.start("127.0.0.1", List.<Simulator<?>>of(mock));
        try {
            Relay relay = runtime.startRelay(List.of(new Route(listenHost, listenPort, upstream.uri(mock.name()))), RelayOptions.defaults());
            return new MockServer(upstream, relay, null, runtime.location());
        } catch (IOException | RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    private static RecordedUpstream upstreamOf(RecordingStore store, List<Long> sessionIds, ProtocolRegistry protocols,
                                               RecordedUpstream.Unmatched unmatched, RecordedUpstream.Latency latency,
                                               Consumer<String> report) throws RecordingException, NoSuchSession {
        List<RecordedUpstream.Recording> recordings = new ArrayList<>();
        for (long id : sessionIds) {
            SessionRecord s = store.session(id).orElseThrow(() -> new NoSuchSession("no session " + id + " in "
                    + store.location() + " (see 'sockscope sessions')"));
            recordings.add(new RecordedUpstream.Recording(s, frames(store, id)));
        }
        return new RecordedUpstream(recordings, protocols, store.masker(), unmatched, latency, report);
    }

    /** Adds a source of decisions (a rules engine) for what the mock's relay carries: latency and faults on recorded answers. */
    public MockServer withRules(dev.sockscope.proxy.intercept.DecisionSource rules) {
        relay.intercept().addSource(rules);
        return this;
    }

    /** Where clients connect ({@code host:port}). */
    public String listen() {
        return relay.boundRoutes().get(0).listen();
    }

    /** The store the mock reads and records into. */
    public StoreLocation location() {
        return location;
    }

    private static List<StoredFrame> frames(RecordingStore store, long id) throws RecordingException {
        List<StoredFrame> out = new ArrayList<>();
        long after = 0;
        List<StoredFrame> page;
        do {
            page = store.storedFrames(id, after, 5000);
            out.addAll(page);
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).seq();
            }
        } while (page.size() == 5000);
        return out;
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        } else {
            relay.close();
        }
        upstream.close();
    }

    @Override
    public String toString() {
        return "the mock server";
    }
}
