package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.FrameFilter;
import dev.sockscope.recordings.FramePage;
import dev.sockscope.recordings.FrameQuery;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.SearchRegex;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.DecodedTree;
import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Preview;
import dev.sockscope.ui.views.Times;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope frames ID}: every frame of a session, in order, decoded. */
@Command(name = "frames", mixinStandardHelpOptions = true,
        description = {"Lists the frames of a recorded session, in order, with what the decoder made of them.",
                "Filters combine: --kind request --label LOGIN --from client."})
public final class FramesCommand implements Callable<Integer> {
    private static final int PAGE = 2000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "A session id from 'sockscope sessions'.")
    long sessionId;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Option(names = "--json", description = "Print one JSON array of frame objects.")
    boolean json;

    @Option(names = "--tree", description = "With --json, add each frame's decoded tree (nested JSON unwrapped, secrets masked); without, print it under each frame.")
    boolean tree;

    @Option(names = "--kind", split = ",", paramLabel = "KIND",
            description = "Only frames of these kinds: request, response, error, event, heartbeat, control, unknown.")
    List<String> kinds;

    @Option(names = "--label", paramLabel = "TEXT", description = "Only frames whose label contains this text (any case).")
    String label;

    @Option(names = "--from", paramLabel = "SENDER", description = "Only frames sent by client or server.")
    String from;

    @Option(names = "--warnings", description = "Only frames with warnings (invalid JSON, unknown opcode, unanswered ...).")
    boolean onlyWarnings;

    @Option(names = "--type", split = ",", paramLabel = "TYPE", description = "Only frames of these types: text, binary, ping, pong, close.")
    List<String> types;

    @Option(names = "--text", paramLabel = "TEXT", description = "Only frames whose payload or summary contains this text (any case).")
    String text;

    @Option(names = "--regex", paramLabel = "REGEX", description = "Only frames whose payload or summary matches this regular expression, in RE2 syntax (no back references or lookaround; matching takes linear time).")
    String regex;

    @Option(names = "--rule", paramLabel = "NAME", description = "Only frames this rule did something to (delayed, dropped, rewrote, sent...).")
    String rule;

    @Option(names = "--after", paramLabel = "SEQ", defaultValue = "0", description = "Only frames after this seq (to page on from the last one shown).")
    long after;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many frames.")
    Integer limit;

    @Option(names = "--width", paramLabel = "N", defaultValue = "100", description = "Summary width in the table (default: ${DEFAULT-VALUE}).")
    int width;

    /** --regex, compiled as the HTTP API compiles it (RE2 syntax); a bad one is a usage error that says why. */
    private com.google.re2j.Pattern regexOption() {
        try {
            return SearchRegex.compile(regex);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--regex " + regex + ": " + e.getMessage());
        }
    }

    /** The options as the one frame filter the HTTP API uses too. */
    private FrameFilter filter() {
        java.util.Set<FrameType> t = java.util.EnumSet.noneOf(FrameType.class);
        if (types != null) {
            types.forEach(x -> t.add(FrameType.fromLabel(x.trim())));
        }
        java.util.Set<Kind> k = java.util.EnumSet.noneOf(Kind.class);
        if (kinds != null) {
            kinds.forEach(x -> k.add(Kind.fromLabel(x)));
        }
        return new FrameFilter(from == null ? null : Direction.fromSender(from), t, null, label, k, text,
                regex == null ? null : regexOption(), onlyWarnings, null, null, rule);
    }

    /**
     * The matching frames in order, after {@code --after}, up to {@code --limit}: filtered by the store. Frames recorded
     * before decoding existed are decoded now, through the same decoding the recorder uses, from the session's start
     * (correlation needs every frame), and filtered here by the same filter.
     */
    private void forEachFrame(RecordingStore store, SessionRecord session, Supplier<ProtocolRegistry> registry, FrameFilter filter,
                              Set<Long> unanswered, Consumer<StoredFrame> action) throws RecordingException {
        List<StoredFrame> head = store.storedFrames(sessionId, 0, 1);
        boolean undecoded = !head.isEmpty() && head.get(0).decoding() == null;
        CaptureDecoder late = undecoded ? new CaptureDecoder(registry.get(), store.masker(), true) : null;
        if (late != null) {
            late.decode(new CaptureEvent.SessionOpened(session.info()), e -> { });
        }
        long left = limit == null ? Long.MAX_VALUE : limit;
        FrameQuery q = new FrameQuery(undecoded ? FrameFilter.ALL : filter, undecoded ? 0 : after, null, PAGE);
        while (left > 0) {
            FramePage page = store.frames(sessionId, q);
            for (StoredFrame f : page.frames()) {
                if (late != null) {
                    StoredFrame[] decoded = {f};
                    late.decode(new CaptureEvent.FrameCaptured(f.frame()), e -> {
                        if (e instanceof DecodedEvent.FrameDecoded d && decoded[0].decoding() == null) {
                            decoded[0] = new StoredFrame(decoded[0].frame(), d.decoding());
                        }
                    });
                    f = decoded[0];
                    if (f.seq() <= after || !filter.matches(f, unanswered.contains(f.seq()))) {
                        continue;
                    }
                }
                if (left-- > 0) {
                    action.accept(f);
                }
            }
            if (page.next() == null) {
                return;
            }
            q = new FrameQuery(q.filter(), page.next(), null, PAGE);
        }
    }

    /** A frames table's columns are sized by this many first rows. */
    static final int TABLE_SAMPLE = 1000;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Supplier<ProtocolRegistry> registry = protocols.lazily(); // only --tree and old recordings decode
        try (RecordingStore store = Stores.openReader(db.location())) {
            var found = store.session(sessionId);
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("sockscope: no session " + sessionId + " in " + store.location()
                        + " (see 'sockscope sessions')");
                return 2;
            }
            SessionRecord session = found.get();
            Set<Long> unanswered = session.unanswered() == null ? Set.of() : new HashSet<>(session.unanswered());
            FrameFilter filter = filter();
            DecodedTree trees = tree ? new DecodedTree(session, registry.get(), store, store.masker()) : null;
            if (json) {
                // Streamed page by page so that a long session never has to fit in memory as JSON.
                boolean[] first = {true};
                out.print('[');
                forEachFrame(store, session, registry, filter, unanswered, f -> {
                    boolean waiting = unanswered.contains(f.seq());
                    out.print(first[0] ? "\n" : ",\n");
                    out.print(Json.write(FrameView.of(f, waiting, tree ? trees.of(f) : null)));
                    first[0] = false;
                });
                out.println(first[0] ? "]" : "\n]");
                out.flush();
                return 0;
            }
            if (session.protocol() != null) {
                out.println("Session " + sessionId + ": " + session.protocol() + " (" + session.protocolReason() + ")");
            }
            // Streamed: columns sized by the first rows, the rest printed as read, so memory stays flat at any length.
            Table t = Table.streaming(out, TABLE_SAMPLE, "SEQ", "TIME", "FROM", "TYPE", "SIZE", "LABEL", "KIND", "ANSWERS", "SUMMARY");
            forEachFrame(store, session, registry, filter, unanswered, f -> {
                boolean waiting = unanswered.contains(f.seq());
                FrameDecoding d = f.decoding();
                String answers = d.correlatesWith() == null ? (waiting ? "never answered" : null)
                        : "#" + d.correlatesWith() + " " + Times.millis(d.latencyMicros());
                List<String> noted = FrameView.warnings(f, false);
                String warnings = noted.isEmpty() ? "" : "⚠ " + String.join("; ", noted);
                // Asked for warnings: show them first, so that the width cuts the summary rather than the reason.
                String summary = warnings.isEmpty() ? d.summary() : onlyWarnings ? warnings + "  · " + d.summary() : d.summary() + "  " + warnings;
                t.add(f.seq(), Times.clock(f.frame().timeMicros()), f.frame().from().sender(), f.frame().type().label(),
                        f.frame().size(), d.label(), d.kind().label(), answers, Preview.oneLine(summary, width));
                if (tree) {
                    JsonNode node = trees.of(f);
                    if (node != null) {
                        t.add("", "", "", "", "", "", "", "", Preview.oneLine(node.toString(), Math.max(width, 400)));
                    }
                }
            });
            if (t.size() == 0) {
                out.println("Session " + sessionId + " has no frames" + (filter.isAll() && after == 0 ? "." : " that match."));
            } else {
                t.print(out);
            }
        }
        out.flush();
        return 0;
    }
}
