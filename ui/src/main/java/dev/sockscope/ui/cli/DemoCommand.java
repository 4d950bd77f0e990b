package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.demo.ScriptedClients;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.demo.Simulators;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.ProxyRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sockscope demo}: simulators of the five seed protocols, the proxy in front of each, and scripted clients
 * that talk to them through it, so that there are five decoded sessions to look at within seconds.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        // One string, so that picocli wraps it as one paragraph: each array element would be a line of its own, and
        // 'sockscope --help' lists only the first.
        description = "Starts simulators of the five built-in protocols (MAX, event chat, maim_message, zavodchat with its"
                + " two sockets, QQ-style push) with the proxy in front of each, runs a scripted client against each through"
                + " the proxy, then keeps running so you can point your own clients at them. Ctrl-C stops it.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    MemoryOption memory = new MemoryOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Option(names = "--listen", defaultValue = "127.0.0.1:9444", paramLabel = "HOST:PORT",
            description = "Where the first proxy route listens; the others take the next ports (default: ${DEFAULT-VALUE}; port 0 picks free ones).")
    String listen;

    @Option(names = "--exit", description = "Stop after the scripted sessions instead of running until Ctrl-C.")
    boolean exit;

    @Mixin
    RulesOption rules = new RulesOption();

    @Mixin
    UiOption ui = new UiOption();

    @Option(names = "--no-ui", description = "Do not start the web inspector.")
    boolean noUi;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProtocolRegistry registry = protocols.load();
        List<Simulator<?>> simulators = Simulators.all();
        SimulatorServer sims = SimulatorServer.start("127.0.0.1", simulators);
        Route first = Route.parse(listen + "=ws://127.0.0.1:1");
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < simulators.size(); i++) {
            int port = first.listenPort() == 0 ? 0 : first.listenPort() + i;
            routes.add(new Route(first.listenHost(), port, sims.uri(simulators.get(i).name())));
        }
        ProxyRuntime runtime;
        try {
            runtime = ProxyRuntime.start(routes, null, RelayOptions.defaults(), dev.sockscope.ui.RecordingOptions.DEFAULTS.withMemory(memory.budget()),
                    db.location(), false, registry);
        } catch (java.io.IOException e) {
            sims.close();
            throw TakenAddress.explain(e, address -> "choose another first port with --listen HOST:PORT (the demo's "
                    + routes.size() + " routes take it and the ports after it; port 0 picks free ones)");
        } catch (Exception e) {
            sims.close();
            throw e;
        }
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
            runtime.close();
            sims.close();
            throw e;
        }
        StopOnSignal stop = new StopOnSignal(inspector, runtime, sims);
        Map<String, URI> proxied = new LinkedHashMap<>();
        Table started = new Table("SIMULATOR", "PROXY (point clients here)", "UPSTREAM");
        List<Route> bound = runtime.relay().boundRoutes();
        for (int i = 0; i < simulators.size(); i++) {
            String name = simulators.get(i).name();
            proxied.put(name, URI.create("ws://" + bound.get(i).listen()));
            started.add(name, "ws://" + bound.get(i).listen(), sims.uri(name));
        }
        out.println("sockscope demo: started five protocol simulators, each behind the proxy:");
        started.print(out);
        out.println("sockscope demo: recording to " + runtime.location() + "; " + runtime.memory().describe());
        String rulesLine = rules.announce(ruleFiles);
        if (rulesLine != null) {
            out.println(rulesLine);
        }
        out.flush();
        long before = runtime.store().sessions(1).stream().mapToLong(r -> r.id()).max().orElse(0);
        for (String line : new ScriptedClients().runAll(proxied)) {
            out.println("  scripted " + line);
        }
        runtime.awaitRecorded(Duration.ofSeconds(10));
        Table recorded = new Table("SESSION", "PROTOCOL", "FRAMES", "CLOSE", "CHOSEN BY");
        List<SessionRecord> sessions = new ArrayList<>(runtime.store().sessions(100));
        sessions.removeIf(r -> r.id() <= before);
        sessions.sort(java.util.Comparator.comparingLong(SessionRecord::id));
        for (SessionRecord r : sessions) {
            recorded.add(r.id(), r.protocol(), r.frames(), r.end() == null ? "open" : r.end().closeCode(), r.protocolReason());
        }
        out.println("sockscope demo: recorded " + sessions.size() + " sessions:");
        recorded.print(out);
        String dbArg = " --db " + runtime.location();
        out.println("sockscope demo: look at them with, for example:");
        out.println("    java -jar ui/target/sockscope.jar frames " + sessions.get(0).id() + dbArg);
        out.println("    java -jar ui/target/sockscope.jar frames " + sessions.get(1).id() + dbArg + " --tree");
        out.println("    java -jar ui/target/sockscope.jar sessions" + dbArg);
        if (exit) {
            stop.close();
            return 0;
        }
        out.println("sockscope demo: still running; point your own clients at the proxy addresses above. Ctrl-C stops.");
        out.flush();
        java.util.concurrent.CompletableFuture<dev.sockscope.capture.CaptureBus.Failure> failed = new java.util.concurrent.CompletableFuture<>();
        runtime.bus().onFailure(failed::complete);
        stop.awaitOr(failed);
        if (failed.isDone()) {
            spec.commandLine().getErr().println("sockscope: recording failed, so the demo stops rather than relay unrecorded"
                    + " traffic: " + failed.join().describe() + " (details above)");
            spec.commandLine().getErr().flush();
            stop.close();
            return 1;
        }
        return 0;
    }
}
