package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionPage;
import dev.sockscope.recordings.SessionQuery;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Preview;
import dev.sockscope.ui.views.SessionView;
import dev.sockscope.ui.views.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope sessions}: recorded sessions, newest first. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Lists recorded sessions, newest first. Works while a proxy is recording into the same folder.")
public final class SessionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--json", description = "Print one JSON array of session objects.")
    boolean json;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many sessions (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--starred", description = "Only starred sessions (star them on the inspector's sessions page or with"
            + " POST /api/sessions/{id}/star); retention never deletes them.")
    boolean starred;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (RecordingStore store = Stores.openReader(db.location())) {
            List<SessionRecord> sessions = starred ? starred(store) : store.sessions(limit);
            if (json) {
                out.println(Json.write(sessions.stream().map(SessionView::of).toList()));
                out.flush();
                return 0;
            }
            Table t = new Table("ID", "STARTED", "LISTEN", "UPSTREAM", "TARGET", "PROTOCOL", "SUBPROTOCOL", "FRAMES", "CLOSE", "BY", "NOTE");
            for (SessionRecord s : sessions) {
                var h = s.info().handshake();
                String close = s.end() == null ? (s.isOpen() ? "open" : "-")
                        : s.end().closeCode() == null ? "-" : String.valueOf(s.end().closeCode());
                String note = s.end() == null ? null : s.end().error() != null ? s.end().error() : s.end().closeReason();
                note = note == null || note.isEmpty() ? null : Preview.oneLine(note, 100);
                if (s.starred()) {
                    note = "starred" + (note == null ? "" : "; " + note);
                }
                if (s.replayOf() != null) {
                    note = "replay of #" + s.replayOf() + (note == null ? "" : "; " + note);
                }
                t.add(s.id(), Times.local(s.info().startedAtMicros()), s.info().listen(), s.info().upstream(),
                        Preview.oneLine(h.target(), 60), s.protocol(), h.status() == 101 ? h.subprotocol() : "HTTP " + h.status(),
                        s.frames(), close, s.end() == null || s.end().closedBy() == null ? null : s.end().closedBy().label(),
                        note);
            }
            if (t.size() == 0) {
                out.println("No sessions recorded in " + store.location() + " yet.");
            } else {
                t.print(out);
            }
        }
        out.flush();
        return 0;
    }

    /** The newest {@code limit} starred sessions, page by page. */
    private List<SessionRecord> starred(RecordingStore store) throws RecordingException {
        List<SessionRecord> out = new ArrayList<>();
        Long before = null;
        while (out.size() < limit) {
            SessionPage page = store.sessions(new SessionQuery(Math.min(limit - out.size(), SessionQuery.MAX_LIMIT), before,
                    null, null, null, false, null, true));
            out.addAll(page.sessions());
            if (page.next() == null) {
                break;
            }
            before = page.next();
        }
        return out;
    }
}
