package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sockscope.proxy.ListenAddress;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.ui.mock.MockServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope mock ID… --listen HOST:PORT}: recordings served as the upstream, so a client team needs no backend. */
@Command(name = "mock", mixinStandardHelpOptions = true,
        description = {"Serves recorded sessions as the upstream: each client frame is matched to a recorded one (by the"
                + " decoder's label and its non-volatile fields) and answered as recorded, the correlation field set to the"
                + " live request's; pushes come at their recorded offsets; a refused upgrade is refused with its status."
                + " Several sessions merge into one mock. What clients do against it is recorded like any session."})
public final class MockCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", arity = "1..*", description = "Recorded sessions to serve.")
    List<Long> sessionIds;

    @Option(names = "--listen", defaultValue = "127.0.0.1:9500", paramLabel = "HOST:PORT",
            description = "Where clients connect (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--unmatched", defaultValue = "ignore", paramLabel = "ignore|close:CODE",
            description = "What a client frame with no recorded match gets: nothing (reported only), or a close with CODE (default: ${DEFAULT-VALUE}).")
    String unmatched;

    @Option(names = "--latency", defaultValue = "none", paramLabel = "none|recorded",
            description = "When answers are sent: at once, or as long after the client's message as they came in the recording (default: ${DEFAULT-VALUE}).")
    RecordedUpstream.Latency latency;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Mixin
    RulesOption rules = new RulesOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RecordedUpstream.Unmatched answer;
        if (unmatched.equals("ignore")) {
            answer = RecordedUpstream.Unmatched.IGNORE;
        } else if (unmatched.matches("close:\\d{4}")) {
            answer = new RecordedUpstream.Unmatched(Integer.parseInt(unmatched.substring(6)));
        } else {
            err.println("sockscope: --unmatched " + unmatched + ": give ignore or close:CODE (close:1008)");
            return 2;
        }
        ListenAddress where;
        try {
            where = ListenAddress.parse(listen);
        } catch (NumberFormatException e) {
            err.println("sockscope: --listen " + listen + ": the port is not a number (HOST:PORT)");
            return 2;
        }
        java.util.Optional<RunningInspector> running = db.runningInspector();
        if (running.isPresent()) {
            if (rules.given()) {
                err.println("sockscope: --rules: " + db.directory() + " is recorded by a running proxy, and a mock inside it"
                        + " runs without rules of its own; stop that proxy, or serve a copy of the folder");
                return 2;
            }
            return throughRunningProxy(running.get(), out, err);
        }
        dev.sockscope.proxy.rules.RuleFiles ruleFiles = rules.given() ? rules.load(protocols.load(), spec.commandLine()) : null;
        MockServer mock;
        try {
            mock = MockServer.start(db.location(), sessionIds, where.host(), where.port(), protocols.load(), answer, latency,
                    line -> {
                        err.println(line);
                        err.flush();
                    });
        } catch (MockServer.NoSuchSession e) {
            if (ruleFiles != null) {
                ruleFiles.close();
            }
            err.println("sockscope: " + e.getMessage());
            return 2;
        }
        StopOnSignal stop;
        if (ruleFiles != null) {
            mock.withRules(ruleFiles.engine());
            stop = new StopOnSignal(ruleFiles, mock);
            out.println(rules.announce(ruleFiles));
        } else {
            stop = new StopOnSignal(mock);
        }
        out.println("sockscope mock: serving sessions " + sessionIds + " on ws://" + mock.listen()
                + "; what clients do is recorded in " + mock.location());
        out.println("sockscope mock: press Ctrl-C to stop");
        out.flush();
        stop.await();
        return 0;
    }

    /**
     * The folder is held by a running proxy: the mock runs inside it (reading and recording there) until this command
     * is stopped, which stops the mock; the proxy stops its mocks when it stops.
     */
    private int throughRunningProxy(RunningInspector inspector, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
        err.println("sockscope: " + db.directory() + " is recorded by a running proxy (pid " + inspector.pid() + "): the mock"
                + " runs inside it, through its inspector at " + inspector.url() + (protocols.given() ? " (with its decoders,"
                + " not --protocols/--plugins)" : ""));
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("sessions", sessionIds);
        body.put("listen", listen);
        body.put("unmatched", unmatched);
        body.put("latency", latency.name().toLowerCase(java.util.Locale.ROOT));
        RunningInspector.Answer answer = inspector.postJson("/api/mocks", body, java.time.Duration.ofSeconds(60));
        if (!answer.ok()) {
            err.println("sockscope: " + answer.error());
            return 2;
        }
        long id = answer.body().path("id").asLong();
        AutoCloseable stopMock = () -> inspector.delete("/api/mocks/" + id);
        StopOnSignal stop = new StopOnSignal(stopMock);
        out.println("sockscope mock: serving sessions " + sessionIds + " on ws://" + answer.body().path("listen").asText()
                + " inside the running proxy (pid " + inspector.pid() + "); what clients do is recorded in " + db.directory());
        out.println("sockscope mock: press Ctrl-C to stop");
        out.flush();
        java.util.concurrent.CompletableFuture<ProcessHandle> proxyGone = ProcessHandle.of(inspector.pid())
                .map(ProcessHandle::onExit).orElse(java.util.concurrent.CompletableFuture.completedFuture(null));
        stop.awaitOr(proxyGone);
        if (proxyGone.isDone()) {
            err.println("sockscope mock: the proxy (pid " + inspector.pid() + ") stopped, and the mock with it");
            return 1;
        }
        return 0;
    }
}
