package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreCopy;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope copy --from STORE --to STORE}: ended sessions from one store into another, as they are stored. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copies every ended session from one store to another (a recordings folder into a team store on"
                + " PostgreSQL, or back): frames, decodings, replay links; secrets stay as masked as they were.",
                "Sessions get new ids in the target; open sessions are left out. See docs/teams.md."})
public final class CopyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "STORE", description = "The store to read: a folder or postgresql://….")
    String from;

    @Option(names = "--to", required = true, paramLabel = "STORE", description = "The store to write into: a folder or postgresql://….")
    String to;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StoreLocation source = StoreLocation.parse(from);
        StoreLocation target = StoreLocation.parse(to);
        try (RecordingStore reader = Stores.openReader(source); RecordingStore writer = Stores.openWriter(target)) {
            StoreCopy.Outcome outcome = StoreCopy.copy(reader, writer, c -> {
                out.println("session " + c.from() + " -> " + c.to() + " (" + c.frames() + " frames)");
                out.flush();
            });
            out.println("sockscope: copied " + outcome.copied().size() + " sessions from " + source + " to " + target
                    + (outcome.skippedOpen().isEmpty() ? "" : "; left out " + outcome.skippedOpen().size()
                    + " still open: " + outcome.skippedOpen()));
        }
        out.flush();
        return 0;
    }
}
