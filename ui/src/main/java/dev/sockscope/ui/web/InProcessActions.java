package dev.sockscope.ui.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.exchange.HarImporter;
import dev.sockscope.ui.mock.MockServer;
import dev.sockscope.ui.replay.Replayer;

/** {@link RecordingProcess} for a proxy or the demo: everything runs on its runtime and records into its store. */
public final class InProcessActions implements RecordingProcess, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessActions.class);

    private final ProxyRuntime runtime;
    private final ProtocolRegistry registry;
    private final AtomicLong mockIds = new AtomicLong();
    private final Map<Long, Started> mocks = new ConcurrentSkipListMap<>();

    private record Started(RunningMock info, MockServer server) {
    }

    public InProcessActions(ProxyRuntime runtime, ProtocolRegistry registry) {
        this.runtime = runtime;
        this.registry = registry;
    }

    @Override
    public Replayer.Result replay(long sessionId, Replayer.Options options) throws Exception {
        return Replayer.run(runtime, sessionId, registry, options);
    }

    @Override
    public HarImporter.Imported importHar(JsonNode har, String source, boolean keepSecrets) throws Exception {
        return HarImporter.into(runtime.store(), registry, keepSecrets, har, source);
    }

    @Override
    public RunningMock startMock(List<Long> sessionIds, String host, int port, RecordedUpstream.Unmatched unmatched,
                                 RecordedUpstream.Latency latency) throws Exception {
        long id = mockIds.incrementAndGet();
        MockServer server = MockServer.startInside(runtime, sessionIds, host, port, registry, unmatched, latency,
                line -> LOG.info("mock {}: {}", id, line));
        RunningMock info = new RunningMock(id, List.copyOf(sessionIds), server.listen());
        mocks.put(id, new Started(info, server));
        LOG.info("mock {} serves sessions {} on ws://{}", id, sessionIds, info.listen());
        return info;
    }

    @Override
    public boolean stopMock(long id) {
        Started s = mocks.remove(id);
        if (s == null) {
            return false;
        }
        s.server().close();
        LOG.info("mock {} stopped", id);
        return true;
    }

    @Override
    public List<RunningMock> mocks() {
        return mocks.values().stream().map(Started::info).toList();
    }

    /** Stops the mocks still running (the process is stopping). */
    @Override
    public void close() {
        for (Long id : List.copyOf(mocks.keySet())) {
            stopMock(id);
        }
    }
}
