package dev.sockscope.ui.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.exchange.HarExport;
import dev.sockscope.ui.exchange.JsonlExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope export ID… --format har|jsonl}: recorded sessions as a file other tools and scripts read. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes recorded sessions as HAR (as Chrome DevTools saves WebSockets: opens in Chrome, Charles,"
                + " Fiddler, HTTP Toolkit; 'sockscope import' reads it back) or JSONL (one frame per line, every field).",
                "Secrets stay masked unless the recording kept them."})
public final class ExportCommand implements Callable<Integer> {
    enum Format { har, jsonl }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", arity = "1..*", description = "Session ids from 'sockscope sessions'.")
    List<Long> sessionIds;

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--format", defaultValue = "har", description = "har or jsonl (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of to standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        try (RecordingStore store = Stores.openReader(db.location())) {
            List<SessionRecord> sessions = new ArrayList<>();
            for (long id : sessionIds) {
                var found = store.session(id);
                if (found.isEmpty()) {
                    spec.commandLine().getErr().println("sockscope: no session " + id + " in " + store.location()
                            + " (see 'sockscope sessions')");
                    return 2;
                }
                sessions.add(found.get());
            }
            OutputStream target = output == null ? System.out : Files.newOutputStream(output);
            try (OutputStream out = new BufferedOutputStream(target, 1 << 16)) {
                if (format == Format.har) {
                    HarExport.write(store, sessions, out);
                } else {
                    JsonlExport.write(store, sessions, out);
                }
            } finally {
                if (output == null) {
                    System.out.flush();
                }
            }
            if (output != null) {
                spec.commandLine().getErr().println("sockscope: wrote " + sessions.size() + " sessions to " + output);
            }
        }
        return 0;
    }
}
