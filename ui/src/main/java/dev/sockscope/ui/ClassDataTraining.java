package dev.sockscope.ui;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Conversation;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.ScriptedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * A build step, not a command: {@code java -XX:ArchiveClassesAtExit=sockscope.jsa -cp sockscope.jar
 * dev.sockscope.ui.ClassDataTraining} runs the read commands ({@code sessions}, {@code frames}, their JSON, the
 * decoded tree, {@code protocols}, {@code --help}) once over a small recording (MAX's golden conversation), so that
 * the JVM archives every class they load. The launcher hands that archive to the JVM ({@code -XX:SharedArchiveFile}):
 * those classes then come parsed and verified from a mapped file instead of the jar, which is most of what a short
 * command spent starting.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sockscope-class-data");
        try {
            record(dir);
            String db = dir.toString();
            List<List<String>> commands = List.of(
                    List.of("sessions", "--db", db), List.of("sessions", "--db", db, "--json"),
                    List.of("frames", "1", "--db", db), List.of("frames", "1", "--db", db, "--json", "--tree"),
                    List.of("frames", "1", "--db", db, "--kind", "request,error", "--tree", "--warnings"),
                    List.of("protocols"), List.of("--help"), List.of("frames", "--help"), List.of("--version"));
            PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
            for (List<String> command : commands) {
                StringWriter err = new StringWriter();
                String[] a = command.toArray(String[]::new);
                int code = Main.commandLineFor(a, sink, new PrintWriter(err)).execute(a);
                if (code != 0) {
                    throw new IllegalStateException("'sockscope " + String.join(" ", command) + "' exited " + code + ": " + err);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** MAX's golden session as a proxy would have recorded it, decoded by the same stage. */
    private static void record(Path dir) throws Exception {
        try (RecordingStore store = Stores.openWriter(new StoreLocation.Folder(dir))) {
            long start = System.currentTimeMillis() * 1000;
            Handshake h = new Handshake("/websocket", null, List.of(), 101, List.of(), null, List.of());
            List<CaptureEvent> events = new ArrayList<>();
            events.add(new CaptureEvent.SessionOpened(new SessionInfo(1, "127.0.0.1:9444", "ws://127.0.0.1:9", "127.0.0.1:5", h, start)));
            long seq = 0;
            for (ScriptedFrame f : Conversation.builtIn("max", "02-session").frames()) {
                seq++;
                events.add(new CaptureEvent.FrameCaptured(new RecordedFrame(1, seq, start + seq * 1000, f.from(), f.type(), f.payload(), 1, null)));
            }
            events.add(new CaptureEvent.SessionClosed(1, new SessionEnd(start + (seq + 1) * 1000, 1000, "", ClosedBy.CLIENT, null)));
            store.append(new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false).decodeAll(events));
        }
    }
}
