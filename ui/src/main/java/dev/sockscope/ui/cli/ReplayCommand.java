package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.ui.replay.ReplayPlan;
import dev.sockscope.ui.replay.ReplayReport;
import dev.sockscope.ui.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope replay ID --upstream URL}: regression testing against a recording; exit 0 same, 1 different, 2 error. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays a recorded session against an upstream and reports what changed: answers paired to their"
                + " requests through the decoder (not by position), pushes by label, by JSON path. The replay is recorded as a"
                + " session of its own. Exit status: 0 nothing differs, 1 something does, 2 the replay could not run.",
                "Masked secrets must be supplied (--header, --query, --set; VALUE env:NAME reads an environment variable)."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "The recorded session to replay.")
    long sessionId;

    @Option(names = "--upstream", required = true, paramLabel = "URL", description = "ws:// or wss:// URL to replay against.")
    URI upstream;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "1|N|max",
            description = "1: the recorded pauses; N: N times faster; max: no pauses (answers are still awaited). Default: ${DEFAULT-VALUE}.")
    String speed;

    @Option(names = "--ignore", paramLabel = "PATH", description = "Do not compare this field (payload.time, **.id, items[*].ts); repeatable.")
    List<String> ignore = List.of();

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Set this field in every client frame that has it; repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "Send this handshake header instead of the recorded one; repeatable.")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--query", paramLabel = "NAME=VALUE", description = "Send this query parameter value instead of the recorded one; repeatable.")
    Map<String, String> query = new LinkedHashMap<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON here.")
    Path report;

    @Option(names = "--answer-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long a frame waits for the answers the recording had before it (default: ${DEFAULT-VALUE}).")
    long answerTimeoutSeconds;

    @Option(names = "--insecure", description = "Accept any TLS certificate from a wss:// upstream.")
    boolean insecure;

    @Option(names = "--connect-timeout", defaultValue = "15", paramLabel = "SECONDS", description = "Default: ${DEFAULT-VALUE}.")
    long connectTimeoutSeconds;

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
        double pace;
        try {
            pace = speed.equalsIgnoreCase("max") ? 0 : Double.parseDouble(speed);
            if (pace < 0 || Double.isNaN(pace)) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("sockscope: --speed " + speed + ": give 1, a factor such as 10, or max");
            return 2;
        }
        List<FieldPattern> ignored;
        try {
            ignored = ignore.stream().map(FieldPattern::parse).toList();
        } catch (IllegalArgumentException e) {
            err.println("sockscope: --ignore: " + e.getMessage());
            return 2;
        }
        java.util.Optional<RunningInspector> running = db.runningInspector();
        if (running.isPresent()) {
            if (rules.given()) {
                err.println("sockscope: --rules: " + db.directory() + " is recorded by a running proxy, and a replay inside it"
                        + " runs without rules of its own; stop that proxy, or replay from a copy of the folder");
                return 2;
            }
            return throughRunningProxy(running.get(), out, err);
        }
        dev.sockscope.proxy.rules.RuleFiles ruleFiles = rules.given() ? rules.load(protocols.load(), spec.commandLine()) : null;
        if (ruleFiles != null) {
            err.println(rules.announce(ruleFiles));
            err.flush();
        }
        RelayOptions relay = RelayOptions.defaults().withInsecure(insecure).withConnectTimeout(Duration.ofSeconds(connectTimeoutSeconds));
        Replayer.Options options = new Replayer.Options(upstream, pace, Duration.ofSeconds(answerTimeoutSeconds), relay, ignored,
                headers, query, set, ruleFiles == null ? null : ruleFiles.engine());
        Replayer.Result result;
        try (AutoCloseable watching = ruleFiles == null ? () -> { } : ruleFiles) {
            result = Replayer.run(db.location(), sessionId, protocols.load(), options);
        } catch (ReplayPlan.MaskedSecrets e) {
            err.println("sockscope: nothing was sent: " + e.getMessage());
            return 2;
        } catch (Replayer.CannotReplay e) {
            err.println("sockscope: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            // Exit 1 means "something differs": a replay that could not run must never look like that.
            err.println("sockscope: the replay could not run: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        }
        ReplayReport.text(result, out);
        if (report != null) {
            Files.writeString(report, ReplayReport.json(result), StandardCharsets.UTF_8);
        }
        return result.same() ? 0 : 1;
    }

    /**
     * The folder is held by a running proxy: the replay runs inside it (its inspector's Replay action), recorded into the
     * same folder, and reports as a replay run here does.
     */
    private int throughRunningProxy(RunningInspector inspector, PrintWriter out, PrintWriter err) throws InterruptedException {
        err.println("sockscope: " + db.directory() + " is recorded by a running proxy (pid " + inspector.pid() + "): replaying"
                + " inside it, through its inspector at " + inspector.url() + (protocols.given() ? " (with its decoders, not"
                + " --protocols/--plugins)" : ""));
        err.flush();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("upstream", upstream.toString());
        body.put("speed", speed);
        body.put("ignore", ignore);
        body.put("header", headers);
        body.put("query", query);
        body.put("set", set);
        body.put("insecure", insecure);
        body.put("answerTimeoutSeconds", answerTimeoutSeconds);
        body.put("connectTimeoutSeconds", connectTimeoutSeconds);
        RunningInspector.Answer answer;
        try {
            // The replay takes as long as the recording at --speed 1: the request waits for it.
            answer = inspector.postJson("/api/sessions/" + sessionId + "/replay", body, Duration.ofHours(6));
        } catch (java.io.IOException e) {
            err.println("sockscope: the replay could not run: the running proxy's inspector at " + inspector.url()
                    + " did not answer (" + e.getMessage() + ")");
            return 2;
        }
        if (!answer.ok()) {
            err.println("sockscope: " + (answer.body().has("missing") ? "nothing was sent: " : "") + answer.error()
                    + (answer.body().has("missing") ? ": " + answer.body().get("missing") : ""));
            return 2;
        }
        ReplayReport.text(answer.body(), out);
        if (report != null) {
            try {
                Files.writeString(report, answer.body().toString(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                err.println("sockscope: cannot write the report to " + report + ": " + e.getMessage());
                return 2;
            }
        }
        return answer.body().path("same").asBoolean() ? 0 : 1;
    }
}
