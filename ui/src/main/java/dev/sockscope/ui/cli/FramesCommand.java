package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Preview;
import dev.sockscope.ui.views.Times;
import dev.sockscope.wire.RecordedFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope frames ID}: every frame of a session, in order. */
@Command(name = "frames", mixinStandardHelpOptions = true, description = "Lists the frames of a recorded session, in order.")
public final class FramesCommand implements Callable<Integer> {
    private static final int PAGE = 2000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "A session id from 'sockscope sessions'.")
    long sessionId;

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--json", description = "Print one JSON array of frame objects.")
    boolean json;

    @Option(names = "--width", defaultValue = "100", description = "Preview width in the table (default: ${DEFAULT-VALUE}).")
    int width;

    private void forEachFrame(H2RecordingStore store, Consumer<RecordedFrame> action) throws RecordingException {
        long after = 0;
        List<RecordedFrame> page;
        do {
            page = store.frames(sessionId, after, PAGE);
            for (RecordedFrame f : page) {
                action.accept(f);
                after = f.seq();
            }
        } while (page.size() == PAGE);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (H2RecordingStore store = H2RecordingStore.openReader(db.directory())) {
            if (store.session(sessionId).isEmpty()) {
                spec.commandLine().getErr().println("sockscope: no session " + sessionId + " in " + store.directory()
                        + " (see 'sockscope sessions')");
                return 2;
            }
            if (json) {
                // Streamed page by page so that a long session never has to fit in memory as JSON.
                boolean[] first = {true};
                out.print('[');
                forEachFrame(store, f -> {
                    out.print(first[0] ? "\n" : ",\n");
                    out.print(Json.write(FrameView.of(f)));
                    first[0] = false;
                });
                out.println(first[0] ? "]" : "\n]");
                out.flush();
                return 0;
            }
            Table t = new Table("SEQ", "TIME", "FROM", "TYPE", "SIZE", "FRAG", "PAYLOAD");
            forEachFrame(store, f -> t.add(f.seq(), Times.clock(f.timeMicros()), f.from().sender(), f.type().label(),
                    f.size(), f.fragments(), Preview.of(f, width)));
            if (t.size() == 0) {
                out.println("Session " + sessionId + " has no frames.");
            } else {
                t.print(out);
            }
        }
        out.flush();
        return 0;
    }
}
