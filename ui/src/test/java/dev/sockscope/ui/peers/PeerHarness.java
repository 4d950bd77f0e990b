package dev.sockscope.ui.peers;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;

/**
 * Runs a {@link Scenario} for real: the server (a peer script on port 0), the Sockscope proxy in this JVM on port 0
 * routed to it with a real H2 file in {@code db}, the client scenario through the proxy. Waits with deadlines that
 * hold on a loaded machine, fails with the peers' output when something goes wrong, and stops every process it
 * started whatever happens.
 */
final class PeerHarness {
    static final Duration START = Duration.ofSeconds(60);
    static final Duration SCENARIO = Duration.ofSeconds(60);
    static final Duration RECORDED = Duration.ofSeconds(30);

    private PeerHarness() {
    }

    static PeerRun run(Scenario scenario, Path db) throws Exception {
        NodePeers.ensureInstalled();
        PeerProcess server = null;
        try {
            URI upstream = scenario.upstream();
            if (scenario.serverScript() != null) {
                server = NodePeers.start(scenario.protocol() + "-server", scenario.serverScript());
                upstream = URI.create("ws://127.0.0.1:" + server.awaitPort(START));
            }
            try (ProxyRuntime proxy = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, upstream)), RelayOptions.defaults(), db, false)) {
                String proxyUrl = "ws://" + proxy.relay().boundRoutes().get(0).listen();
                List<String> args = new ArrayList<>(List.of(proxyUrl));
                args.addAll(scenario.clientArgs());
                List<String> clientOutput;
                try (PeerProcess client = NodePeers.start(scenario.protocol() + "-client", scenario.clientScript(), args.toArray(String[]::new))) {
                    int exit = client.awaitExit(SCENARIO);
                    if (exit != 0) {
                        throw new AssertionError("the " + scenario.protocol() + " client scenario failed through the proxy (exit "
                                + exit + ")\n" + client.describe() + (server == null ? "" : server.describe()));
                    }
                    clientOutput = client.output();
                }
                proxy.awaitRecorded(RECORDED);
                List<List<TapMessage>> serverConnections = List.of();
                if (server != null) {
                    int exit = server.stop(RECORDED);
                    if (exit != 0) {
                        throw new AssertionError("the " + scenario.protocol() + " server failed (exit " + exit + ")\n" + server.describe());
                    }
                    serverConnections = TapMessage.connections(server.output());
                }
                List<PeerRun.Recorded> sessions = new ArrayList<>();
                List<SessionRecord> records = new ArrayList<>(proxy.store().sessions(1000));
                records.sort(Comparator.comparingLong(SessionRecord::id));
                for (SessionRecord s : records) {
                    sessions.add(new PeerRun.Recorded(s, proxy.store().storedFrames(s.id(), 0, 1_000_000)));
                }
                return new PeerRun(scenario, sessions, TapMessage.connections(clientOutput), serverConnections, clientOutput);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
