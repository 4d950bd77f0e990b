package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.ui.ProxyRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope proxy}: relay and record until stopped. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Relays WebSocket clients to upstreams and records every session and frame.",
                "Runs until Ctrl-C or SIGTERM; open sessions are then closed with 1001 on both sides and every frame is written."})
public final class ProxyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--route", required = true, paramLabel = "LISTEN=UPSTREAM",
            description = "Listen address and upstream, e.g. 127.0.0.1:9444=wss://example.org:444 (repeatable; LISTEN may be a bare port).")
    List<String> routes = new ArrayList<>();

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--insecure", description = "Accept any TLS certificate from wss:// upstreams (self-signed development servers).")
    boolean insecure;

    @Option(names = "--keep-secrets", description = "Store Authorization, Cookie and subprotocol tokens unmasked.")
    boolean keepSecrets;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "64MiB",
            description = "Largest message relayed; larger ones close both sides with 1009 (default: ${DEFAULT-VALUE}).")
    String maxMessage;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "Time allowed for the upstream handshake (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Close sessions silent this long both ways with 1001; 0 means never (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        List<Route> parsed = new ArrayList<>();
        for (String r : routes) {
            parsed.add(Route.parse(r));
        }
        RelayOptions options = new RelayOptions(Sizes.parse(maxMessage), insecure,
                Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(idleTimeoutSeconds));
        ProxyRuntime runtime = ProxyRuntime.start(parsed, options, db.directory(), keepSecrets);
        StopOnSignal stop = new StopOnSignal(runtime);
        PrintWriter out = spec.commandLine().getOut();
        for (Route r : runtime.relay().boundRoutes()) {
            out.println("sockscope: relaying ws://" + r.listen() + " -> " + r.upstream());
        }
        out.println("sockscope: recording to " + runtime.store().directory()
                + (keepSecrets ? " (secrets kept)" : " (secrets masked)"));
        out.println("sockscope: press Ctrl-C to stop");
        out.flush();
        stop.await();
        return 0;
    }
}
