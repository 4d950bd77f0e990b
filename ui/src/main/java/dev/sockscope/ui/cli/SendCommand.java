package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.web.InspectorAnnouncement;
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
        String base;
        String bearer = token;
        if (ui != null) {
            base = "http://" + ui + "/";
        } else {
            InspectorAnnouncement a = InspectorAnnouncement.read(db.directory()).orElseThrow(() -> new IllegalStateException(
                    "no running proxy records into " + db.directory() + " (or it runs with --no-ui): start 'sockscope proxy',"
                            + " or say where its inspector is with --ui HOST:PORT"));
            base = a.url().endsWith("/") ? a.url() : a.url() + "/";
            bearer = bearer == null ? a.token() : bearer;
        }
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/sessions/" + session + "/send"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(answer.path("error").asText("the inspector answered HTTP " + response.statusCode()));
        }
        if (answer.hasNonNull("seq")) {
            out.println("sent: frame " + answer.get("seq").asLong() + " of session " + session);
        } else {
            out.println("closing session " + session);
        }
        out.flush();
        return 0;
    }
}
