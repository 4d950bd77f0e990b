package dev.sockscope.ui.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.Stores;
import dev.sockscope.ui.exchange.HarFile;
import dev.sockscope.ui.exchange.HarImport;
import dev.sockscope.ui.exchange.HarImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope import FILE.har}: every WebSocket of a HAR file becomes a session, decoded and masked like a live one. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports the WebSockets of HAR files (saved from Chrome DevTools, Charles, HTTP Toolkit, or"
                + " 'sockscope export') as sessions: decoded and masked by the same stage as live traffic, then browsable"
                + " and replayable like any other."})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "HAR files.")
    List<Path> files;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Option(names = "--keep-secrets", description = "Store Authorization, Cookie and subprotocol tokens unmasked.")
    boolean keepSecrets;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "64MiB",
            description = "The largest message a file may hold (as base64, a third more characters): the proxy's own"
                    + " --max-message, so that whatever it recorded imports back (default: ${DEFAULT-VALUE}).")
    String maxMessage;

    private long maxMessageBytes() {
        return Sizes.parse(maxMessage);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.util.Optional<RunningInspector> running = db.runningInspector();
        if (running.isPresent()) {
            return throughRunningProxy(running.get(), out, err);
        }
        var registry = protocols.load();
        try (RecordingStore store = Stores.openWriter(db.location())) {
            for (Path file : files) {
                HarImporter.Imported imported;
                try {
                    imported = HarImporter.into(store, registry, keepSecrets, HarFile.read(file, maxMessageBytes()), file.getFileName().toString());
                } catch (IOException e) {
                    err.println("sockscope: cannot read " + file + ": " + e.getMessage());
                    return 2;
                } catch (HarImport.NotHar e) {
                    err.println("sockscope: " + file + ": " + e.getMessage());
                    return 2;
                }
                report(file, imported, keepSecrets, out, err);
            }
        }
        out.flush();
        return 0;
    }

    /** The folder is held by a running proxy: each file is sent to its inspector, which imports it into the folder. */
    private int throughRunningProxy(RunningInspector inspector, PrintWriter out, PrintWriter err) throws InterruptedException {
        err.println("sockscope: " + db.directory() + " is recorded by a running proxy (pid " + inspector.pid() + "): importing"
                + " through its inspector at " + inspector.url() + (protocols.given() ? " (with its decoders, not"
                + " --protocols/--plugins)" : ""));
        for (Path file : files) {
            RunningInspector.Answer answer;
            String name = file.getFileName().toString();
            try {
                answer = inspector.post("/api/import?name=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                                + "&maxMessage=" + maxMessageBytes() + "&keepSecrets=" + keepSecrets,
                        java.net.http.HttpRequest.BodyPublishers.ofFile(file), "application/json", java.time.Duration.ofHours(1));
            } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
                err.println("sockscope: cannot read " + file + ": no such file");
                return 2;
            } catch (IOException e) {
                err.println("sockscope: the running proxy's inspector at " + inspector.url() + " did not take " + file + ": " + e.getMessage());
                return 2;
            }
            if (!answer.ok()) {
                err.println("sockscope: " + answer.error());
                return 2;
            }
            List<HarImporter.ImportedSession> sessions = new java.util.ArrayList<>();
            answer.body().path("sessions").forEach(n -> sessions.add(new HarImporter.ImportedSession(n.path("id").asLong(),
                    n.path("frames").asInt(), n.path("target").asText())));
            List<String> notices = new java.util.ArrayList<>();
            answer.body().path("notices").forEach(n -> notices.add(n.asText()));
            report(file, new HarImporter.Imported(name, sessions, answer.body().path("skipped").asInt(), notices), keepSecrets, out, err);
        }
        out.flush();
        return 0;
    }

    private static void report(Path file, HarImporter.Imported imported, boolean keepSecrets, PrintWriter out, PrintWriter err) {
        imported.notices().forEach(n -> err.println("sockscope: " + file + ": " + n));
        for (HarImporter.ImportedSession s : imported.sessions()) {
            out.println("sockscope: imported session " + s.id() + " (" + s.frames() + " frames, " + s.target() + ")");
        }
        out.println("sockscope: " + file + ": " + imported.sessions().size() + " WebSocket sessions imported"
                + (imported.skipped() == 0 ? "" : ", " + imported.skipped() + " other entries skipped")
                + (keepSecrets ? " (secrets kept)" : " (secrets masked)"));
    }
}
