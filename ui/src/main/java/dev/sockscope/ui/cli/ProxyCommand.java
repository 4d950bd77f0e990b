package dev.sockscope.ui.cli;

import dev.sockscope.proxy.ListenAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.tls.CertificateAuthority;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.RecordingOptions;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.capture.CaptureBus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope proxy}: relay and record until stopped. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Relays WebSocket clients to upstreams and records every session and frame: through routes (--route), "
                + "or as an HTTP proxy the app is pointed at (--forward).",
                "Runs until Ctrl-C or SIGTERM; open sessions are then closed with 1001 on both sides and every frame is written."})
public final class ProxyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** A route and, optionally, the protocol to decode it as: {@code --route A=B [--protocol max]}, repeatable. */
    static final class RouteArgs {
        @Option(names = "--route", required = true, paramLabel = "LISTEN=UPSTREAM",
                description = "Listen address and upstream, e.g. 127.0.0.1:9444=wss://example.org:444 (repeatable; LISTEN may be a bare port).")
        String route;

        @Option(names = "--protocol", paramLabel = "NAME",
                description = "Decode the preceding route as this protocol instead of detecting it (see 'sockscope protocols'; 'generic' turns protocol decoding off).")
        String protocol;
    }

    @ArgGroup(exclusive = false, multiplicity = "0..*")
    List<RouteArgs> routes = new ArrayList<>();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    MemoryOption memory = new MemoryOption();

    @Option(names = "--forward", paramLabel = "[HOST:]PORT",
            description = "Also (or only) listen as an HTTP forward proxy: CONNECT tunnels with TLS interception by Sockscope's CA, "
                    + "and absolute ws:// requests; WebSockets are recorded, other HTTP forwarded. A bare port listens on 127.0.0.1.")
    String forwardListen;

    @Option(names = "--intercept", paramLabel = "HOST_GLOB",
            description = "Intercept TLS only for hosts matching this glob, e.g. '*.example.org' (repeatable; default: every host). "
                    + "Other CONNECTs are tunnelled untouched.")
    List<String> intercept = new ArrayList<>();

    @Option(names = "--forward-allow", paramLabel = "CIDR",
            description = "Clients other than loopback that may use the forward proxy, e.g. 192.168.1.0/24 (repeatable; "
                    + "needed to listen on another address than loopback).")
    List<String> forwardAllow = new ArrayList<>();

    @Mixin
    CaOption ca = new CaOption();

    @Option(names = "--insecure", description = "Accept any TLS certificate from wss:// upstreams (self-signed development servers).")
    boolean insecure;

    @Option(names = "--keep-secrets", description = "Store Authorization, Cookie and subprotocol tokens unmasked.")
    boolean keepSecrets;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "64MiB",
            description = "The most of one message kept in the recording; the rest is relayed, counted and the frame marked truncated (default: ${DEFAULT-VALUE}). With --terminate, larger messages close both sides with 1009.")
    String maxMessage;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "Time allowed for the upstream handshake (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Close sessions silent this long both ways with 1001; 0 means never (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Time a client may take to send its whole upgrade request (default: ${DEFAULT-VALUE}).")
    int handshakeTimeoutSeconds;

    @Option(names = "--record-wait", paramLabel = "MILLIS", defaultValue = "500",
            description = "The longest the relay waits for a recorder that is behind before it reads on; until the recorder"
                    + " catches up, each message then keeps its first 1 KiB in the recording, with a note (default: ${DEFAULT-VALUE}).")
    long recordWaitMillis;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "On Ctrl-C or SIGTERM, the longest the proxy takes to close its sessions and write what is queued;"
                    + " it says what it could not write by then (default: ${DEFAULT-VALUE}).")
    double stopTimeoutSeconds;

    @Option(names = "--terminate",
            description = "Re-frame every message through Jetty's WebSocket sessions instead of passing the bytes through "
                    + "(each leg negotiates its own compression; violations are answered by the proxy).")
    boolean terminate;

    @Mixin
    RulesOption rules = new RulesOption();

    @Mixin
    UiOption ui = new UiOption();

    @Option(names = "--no-ui", description = "Do not start the web inspector.")
    boolean noUi;

    @Override
    public Integer call() throws Exception {
        ProtocolRegistry registry = protocols.load();
        List<Route> parsed = new ArrayList<>();
        for (RouteArgs r : routes) {
            Route route = Route.parse(r.route);
            if (r.protocol != null) {
                if (!registry.knows(r.protocol)) {
                    throw new ParameterException(spec.commandLine(), "--protocol " + r.protocol + ": no such protocol (known: "
                            + String.join(", ", registry.names()) + ")"
                            + (r.protocol.equals("protobuf") ? "; protobuf needs its schema: --protobuf FILE.desc[:pkg.Message]" : ""));
                }
                route = route.withProtocol(r.protocol);
            }
            parsed.add(route);
        }
        if (parsed.isEmpty() && forwardListen == null) {
            throw new ParameterException(spec.commandLine(), "give at least one --route LISTEN=UPSTREAM, or --forward [HOST:]PORT");
        }
        ForwardProxy forward = forwardListen == null ? null : forwardProxy();
        RelayOptions options = new RelayOptions(Sizes.parse(maxMessage), insecure,
                Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(idleTimeoutSeconds),
                Duration.ofSeconds(handshakeTimeoutSeconds), terminate);
        RecordingOptions recording;
        try {
            recording = new RecordingOptions(Duration.ofMillis(recordWaitMillis), Duration.ofMillis((long) (stopTimeoutSeconds * 1000)),
                    memory.budget());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ProxyRuntime runtime;
        try {
            runtime = ProxyRuntime.start(parsed, forward, options, recording, db.location(), keepSecrets, registry);
        } catch (java.io.IOException e) {
            throw TakenAddress.explain(e, address -> forward != null && TakenAddress.port(address) == forward.listenPort()
                    ? "choose another with --forward [HOST:]PORT (port 0 picks a free one)"
                    : "choose another LISTEN with --route LISTEN=UPSTREAM (port 0 picks a free one)");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AutoCloseable inspector;
        dev.sockscope.proxy.rules.RuleFiles ruleFiles = null;
        try {
            ruleFiles = rules.attach(runtime.relay().intercept(), registry, spec.commandLine());
            AutoCloseable app = noUi ? () -> { } : ui.startBeside(runtime, registry, out, ruleFiles);
            dev.sockscope.proxy.rules.RuleFiles watched = ruleFiles;
            inspector = () -> {
                watched.close();
                app.close();
            };
        } catch (Exception e) {
            if (ruleFiles != null) {
                ruleFiles.close();
            }
            // Nothing was relayed yet: the one line that says why is the error's, not a stop report.
            runtime.reportStopTo(line -> { });
            runtime.close();
            throw e;
        }
        // From here on the proxy serves, and a stop says what it closes and writes.
        runtime.reportStopTo(line -> {
            err.println(line);
            err.flush();
        });
        StopOnSignal stop = new StopOnSignal(inspector, runtime);
        CompletableFuture<CaptureBus.Failure> failed = new CompletableFuture<>();
        runtime.bus().onFailure(failed::complete);
        for (Route r : runtime.relay().boundRoutes()) {
            out.println("sockscope: relaying ws://" + r.listen() + " -> " + r.upstream()
                    + (r.protocol() == null ? " (protocol detected)" : " (decoded as " + r.protocol() + ")"));
        }
        if (forward != null) {
            out.println("sockscope: forward proxy on http://" + runtime.relay().forwardListen().orElseThrow().substring("forward ".length())
                    + (intercept.isEmpty() ? ", intercepting TLS to every host" : ", intercepting TLS to " + String.join(", ", intercept))
                    + " with the CA in " + forward.ca().certificateFile() + " ('sockscope ca' says how to trust it)");
        }
        out.println("sockscope: recording to " + runtime.location()
                + (keepSecrets ? " (secrets kept)" : " (secrets masked)") + "; " + runtime.memory().describe());
        String rulesLine = rules.announce(ruleFiles);
        if (rulesLine != null) {
            out.println(rulesLine);
        }
        out.println("sockscope: press Ctrl-C to stop");
        out.flush();
        stop.awaitOr(failed);
        if (failed.isDone()) {
            // The relay has stopped reading; close what is open (1001 both ways) and exit non-zero, with one line last that
            // says why (the stop's own report, "everything queued was written", would not be true).
            runtime.reportStopTo(line -> { });
            stop.close();
            spec.commandLine().getErr().println("sockscope: recording failed, so the proxy stops rather than relay"
                    + " unrecorded traffic: " + failed.join().describe() + " (details above)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** The --forward listener: loopback unless --forward-allow names who else may use it. */
    private ForwardProxy forwardProxy() throws java.io.IOException {
        ListenAddress address;
        try {
            address = ListenAddress.parse(forwardListen);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--forward " + forwardListen + ": the port is not a number");
        }
        String host = address.host();
        int p = address.port();
        List<ForwardProxy.Cidr> allowed = new ArrayList<>();
        for (String c : forwardAllow) {
            try {
                allowed.add(ForwardProxy.Cidr.parse(c));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--forward-allow: " + e.getMessage());
            }
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--forward " + forwardListen + ": unknown host");
        }
        if (!loopback && allowed.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--forward " + forwardListen + " would be reachable from other machines: "
                    + "an open proxy is abused within minutes. Add --forward-allow CIDR for the clients that may use it.");
        }
        if (!loopback) {
            spec.commandLine().getErr().println("sockscope: WARNING: the forward proxy listens on " + host
                    + ", open to " + String.join(", ", forwardAllow) + ": anyone there can send traffic through this machine");
            spec.commandLine().getErr().flush();
        }
        CertificateAuthority authority = CertificateAuthority.openOrCreate(ca.folder(db.folder().orElse(null), spec.commandLine().getErr()));
        return new ForwardProxy(host, p, intercept, allowed, authority);
    }
}
