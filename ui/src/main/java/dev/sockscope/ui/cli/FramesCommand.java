package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SpecDecoder;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Preview;
import dev.sockscope.ui.views.Times;
import dev.sockscope.secrets.SecretMasker;
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

    @Option(names = "--width", defaultValue = "100", description = "Summary width in the table (default: ${DEFAULT-VALUE}).")
    int width;

    /**
     * Frames in order. Frames recorded before decoding existed are decoded now, through the same decoding the recorder
     * uses, from the first undecoded frame on (a recording made before decoding has none, so that is its start).
     */
    private void forEachFrame(H2RecordingStore store, SessionRecord session, ProtocolRegistry registry,
                              Consumer<StoredFrame> action) throws RecordingException {
        CaptureDecoder late = null;
        long after = 0;
        List<StoredFrame> page;
        do {
            page = store.storedFrames(sessionId, after, PAGE);
            for (StoredFrame f : page) {
                if (late == null && f.decoding() == null) {
                    late = new CaptureDecoder(registry, store.masker(), true);
                    late.decode(new CaptureEvent.SessionOpened(session.info()), e -> { });
                }
                if (late != null) {
                    StoredFrame[] decoded = {f};
                    late.decode(new CaptureEvent.FrameCaptured(f.frame()), e -> {
                        if (e instanceof DecodedEvent.FrameDecoded d && decoded[0].decoding() == null) {
                            decoded[0] = new StoredFrame(decoded[0].frame(), d.decoding());
                        }
                    });
                    f = decoded[0];
                }
                action.accept(f);
                after = f.seq();
            }
        } while (page.size() == PAGE);
    }

    private boolean wanted(StoredFrame f, boolean unanswered) {
        FrameDecoding d = f.decoding();
        if (from != null && !f.frame().from().sender().equalsIgnoreCase(from)) {
            return false;
        }
        if (kinds != null && !kinds.isEmpty() && kinds.stream().noneMatch(k -> k.trim().equalsIgnoreCase(d.kind().label()))) {
            return false;
        }
        if (label != null && !d.label().toLowerCase(Locale.ROOT).contains(label.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return !onlyWarnings || !FrameView.warnings(f, unanswered).isEmpty();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProtocolRegistry registry = protocols.load();
        try (H2RecordingStore store = H2RecordingStore.openReader(db.directory())) {
            var found = store.session(sessionId);
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("sockscope: no session " + sessionId + " in " + store.directory()
                        + " (see 'sockscope sessions')");
                return 2;
            }
            SessionRecord session = found.get();
            Set<Long> unanswered = session.unanswered() == null ? Set.of() : new HashSet<>(session.unanswered());
            SpecDecoder treeDecoder = session.protocol() == null ? null : registry.find(session.protocol()).orElse(null);
            if (json) {
                // Streamed page by page so that a long session never has to fit in memory as JSON.
                boolean[] first = {true};
                out.print('[');
                forEachFrame(store, session, registry, f -> {
                    boolean waiting = unanswered.contains(f.seq());
                    if (wanted(f, waiting)) {
                        out.print(first[0] ? "\n" : ",\n");
                        out.print(Json.write(FrameView.of(f, waiting, tree ? treeOf(f, treeDecoder, store.masker()) : null)));
                        first[0] = false;
                    }
                });
                out.println(first[0] ? "]" : "\n]");
                out.flush();
                return 0;
            }
            if (session.protocol() != null) {
                out.println("Session " + sessionId + ": " + session.protocol() + " (" + session.protocolReason() + ")");
            }
            Table t = new Table("SEQ", "TIME", "FROM", "TYPE", "SIZE", "LABEL", "KIND", "ANSWERS", "SUMMARY");
            forEachFrame(store, session, registry, f -> {
                boolean waiting = unanswered.contains(f.seq());
                if (!wanted(f, waiting)) {
                    return;
                }
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
                    JsonNode node = treeOf(f, treeDecoder, store.masker());
                    if (node != null) {
                        t.add("", "", "", "", "", "", "", "", Preview.oneLine(node.toString(), Math.max(width, 400)));
                    }
                }
            });
            if (t.size() == 0) {
                out.println("Session " + sessionId + " has no frames" + (kinds != null || label != null || from != null || onlyWarnings ? " that match." : "."));
            } else {
                t.print(out);
            }
        }
        out.flush();
        return 0;
    }

    /** The frame's tree with secrets masked (a recording made with --keep-secrets holds them raw). */
    private static JsonNode treeOf(StoredFrame f, SpecDecoder decoder, SecretMasker masker) {
        if (f.frame().type() != FrameType.TEXT) {
            return null;
        }
        if (decoder != null && f.decoding() != null && decoder.name().equals(f.decoding().protocol())) {
            return decoder.tree(f.frame(), masker);
        }
        return PayloadMasker.maskedTree(f.frame().payload(), masker);
    }
}
