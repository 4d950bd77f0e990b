package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sockscope send SESSION --to client|server ...}: a message into a live session, through the proxy's inspector API. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Sends a message into a live session of the running proxy: text, binary (base64), a ping, or a close"
                + " of the session. It goes at the next message boundary and is recorded as injected. Finds the proxy"
                + " recording into --db by itself, or talks to the inspector at --ui.")
public final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Parameters(index = "0", paramLabel = "SESSION", description = "The live session's id (see 'sockscope sessions').")
    long session;

    @Option(names = "--to", required = true, paramLabel = "client|server", description = "Who receives it: the client or the server (upstream).")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--text", paramLabel = "T", description = "A text message.")
        String text;

        @Option(names = "--base64", paramLabel = "B", description = "A binary message, its bytes in base64.")
        String base64;

        @Option(names = "--ping", paramLabel = "P", arity = "0..1", fallbackValue = "", description = "A ping (with this payload).")
        String ping;

        @Option(names = "--close", paramLabel = "CODE", description = "Closes the session: this close code to both peers.")
        Integer close;
    }

    @Option(names = "--reason", paramLabel = "R", description = "The close reason (with --close).")
    String reason;

    @Option(names = "--ui", paramLabel = "HOST:PORT", description = "The proxy's inspector (default: the one announced in the recordings folder).")
    String ui;

    @Option(names = "--ui-token", paramLabel = "TOKEN", description = "The inspector's token, when it listens beyond loopback.")
    String token;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RunningInspector inspector = ui != null ? RunningInspector.at("http://" + ui, token)
                : RunningInspector.findAny(db.directory()).orElseThrow(() -> new IllegalStateException(
                        "no running proxy records into " + db.directory() + " (or it runs with --no-ui): start 'sockscope proxy',"
                                + " or say where its inspector is with --ui HOST:PORT"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        if (what.text != null) {
            body.put("text", what.text);
        } else if (what.base64 != null) {
            body.put("base64", what.base64);
        } else if (what.ping != null) {
            body.put("ping", what.ping);
        } else {
            body.put("close", what.close);
            body.put("reason", reason == null ? "" : reason);
        }
        RunningInspector.Answer answer = inspector.postJson("/api/sessions/" + session + "/send", body, Duration.ofSeconds(30));
        if (!answer.ok()) {
            throw new IllegalStateException(answer.error());
        }
        if (answer.body().hasNonNull("seq")) {
            out.println("sent: frame " + answer.body().get("seq").asLong() + " of session " + session);
        } else {
            out.println("closing session " + session);
        }
        out.flush();
        return 0;
    }
}
