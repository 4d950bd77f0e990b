package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * The recorder's cost per session per batch while sessions are busy (issue 20): {@code sessions} sessions stay open,
 * and each batch holds {@value #FRAMES} small chat frames of every one of them, as a 20 ms batch of 100 busy sessions
 * did (the recorder gathers for 50 ms since 2026-12-06): {@code 1} (one session per batch, the per-batch cost alone) or {@code 100}. Each batch is one block per session
 * in its recording file and in the index; the score is per session and batch. A benchmark, not a test; about 40 s:
 * <pre>mvn -q -o -pl recordings -am test-compile  # then, in recordings:
 * mvn -q -o -pl recordings exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main BusySessionsBench"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class BusySessionsBench {
    static final int FRAMES = 3;
    static final int BURST = ConnectPathBench.BURST;

    @Param({"1", "100"})
    public int sessions;

    private Path dir;
    private H2RecordingStore store;
    private CaptureDecoder decoder;
    private long[] ids;
    private long seq;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("busy-bench");
        store = H2RecordingStore.open(dir);
        decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
        ids = new long[sessions];
        List<CaptureEvent> opened = new ArrayList<>(sessions);
        for (int s = 0; s < sessions; s++) {
            ids[s] = store.nextSessionId();
            opened.add(new CaptureEvent.SessionOpened(Fixtures.session(ids[s])));
        }
        store.append(decoder.decodeAll(opened));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        ConnectPathBench.deleteFolder(dir);
    }

    /** {@value #BURST} / {@code sessions} batches, each {@value #FRAMES} frames of every session. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void busyBatches() throws Exception {
        for (int done = 0; done < BURST; done += sessions) {
            List<CaptureEvent> events = new ArrayList<>(sessions * FRAMES);
            for (int f = 0; f < FRAMES; f++) {
                seq++;
                for (long id : ids) {
                    byte[] json = ("{\"type\":\"message\",\"id\":" + seq + ",\"room\":\"general\",\"from\":\"user" + id
                            + "\",\"text\":\"hello\"}").getBytes(StandardCharsets.UTF_8);
                    events.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, Fixtures.T0 + seq * 100L,
                            seq % 2 == 0 ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER, FrameType.TEXT, json, 1, null)));
                }
            }
            store.append(decoder.decodeAll(events));
        }
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(BusySessionsBench.class.getSimpleName()).build()).run();
    }
}
