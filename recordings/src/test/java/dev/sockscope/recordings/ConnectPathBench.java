package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * The recorder's side of a connection (issue 20): a session starts, its first frame is recorded, it ends, as the
 * proxy's recorder writes them (decoding, the session's recording file, the index), with {@code sessions} sessions in
 * each batch: 1 (connections one after another) or 100 (a burst, as the benchmark's 100 connections). The score is per
 * session; a per-batch cost that grew with the sessions in the batch would show as a 100 no cheaper than a 1. A
 * benchmark, not a test; about 20 s:
 * <pre>mvn -q -o -pl recordings -am test-compile  # then, in recordings:
 * mvn -q -o -pl recordings exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.sockscope.recordings.ConnectPathBench"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ConnectPathBench {
    static final int BURST = 100;

    @Param({"1", "100"})
    public int sessions;

    private Path dir;
    private H2RecordingStore store;
    private CaptureDecoder decoder;
    private final byte[] hello = "{\"type\":\"hello\",\"room\":\"general\",\"from\":\"bench\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * A store of its own for each iteration: a session's recording file is closed by the syncer after its fsync, and
     * at thousands of sessions a second for the whole trial the files waiting for theirs ran out of file descriptors.
     */
    @Setup(Level.Iteration)
    public void open() throws Exception {
        dir = Files.createTempDirectory("connect-bench");
        store = H2RecordingStore.open(dir);
        decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        store.close();
        deleteFolder(dir);
    }

    /** One burst: every session opens and records its first frame in one batch, and ends in the next. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void openFirstFrameEnd() throws Exception {
        for (int done = 0; done < BURST; done += sessions) {
            List<CaptureEvent> opened = new ArrayList<>(2 * sessions);
            List<CaptureEvent> ended = new ArrayList<>(sessions);
            for (int s = 0; s < sessions; s++) {
                long id = store.nextSessionId();
                opened.add(new CaptureEvent.SessionOpened(Fixtures.session(id)));
                opened.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, 1, Fixtures.T0 + 1000, Direction.CLIENT_TO_SERVER,
                        FrameType.TEXT, hello, 1, null)));
                ended.add(new CaptureEvent.SessionClosed(id, new SessionEnd(Fixtures.T0 + 2000, 1000, "", ClosedBy.CLIENT, null)));
            }
            store.append(decoder.decodeAll(opened));
            store.append(decoder.decodeAll(ended));
        }
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(ConnectPathBench.class.getSimpleName()).build()).run();
    }

    /** Deletes a benchmark's recordings folder and everything in it (also used by {@link BusySessionsBench}). */
    static void deleteFolder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
