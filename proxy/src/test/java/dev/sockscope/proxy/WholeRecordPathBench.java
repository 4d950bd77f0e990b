package dev.sockscope.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.capture.EventBus;
import dev.sockscope.capture.MemoryBudget;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.DecodingStage;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.proxy.tap.NegotiatedExtensions;
import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.proxy.tap.Sockets;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.recordings.Recorder;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.SessionInfo;

/**
 * The whole record path of a frame (issue 20), wall time per frame: wire bytes read by the relay go through the tap
 * ({@link PassThroughSession} and its {@code FrameTap}: header parsing, unmasking, the copy out of the read buffer,
 * publishing once the write is done), the capture bus hand-off to the recorder's thread, decoding, and the store on that
 * thread ({@link Recorder}: block encoding, the session's recording file, the H2 index) in a real recordings folder in a
 * temporary directory. The pieces are wired as {@code ProxyRuntime} wires them ({@link Stores#openWriter},
 * {@link CaptureBus}, {@link DecodingStage#attach} with the {@link Recorder} as its writer), with one difference: both
 * lingers are zero (the proxy's are 2 ms and 50 ms), since each operation waits for its frames and would otherwise wait
 * those out; the recorder then writes smaller batches than a loaded proxy does, so the store's share here is if
 * anything higher.
 *
 * <p>One operation is a burst of {@value #BURST} frames of 1 KiB read one frame per read, alternately from the client
 * (masked) and the upstream, in one long session (one per iteration); the write to the peer completes at once, and the
 * network itself is not measured. Then it waits for the stage's drain barrier ({@link DecodingStage#flush}, the one the
 * proxy's stop uses): the score includes every frame of the burst written to the recording file and committed in the
 * index (the recording file's fsync runs later on the store's own thread, as in the proxy). {@code through} stops the
 * path early, to measure the stages: {@code tap} (the tap and the publish, no subscriber on the bus), {@code bus} (up to
 * a lossless subscriber's thread that takes the events and does nothing), {@code decode} (the decoding stage too, with a writer
 * that does nothing), {@code store} (the whole path). The threads overlap, so a stage's share is
 * the difference from the one before it, in wall time, not its CPU. A benchmark, not a test; about a minute with the
 * defaults:
 * <pre>mvn -q -o -pl decoder,recordings,proxy test-compile
 * mvn -q -o -pl proxy dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/proxy.cp
 * java -cp "proxy/target/test-classes:proxy/target/classes:recordings/target/classes:decoder/target/classes:$(cat /tmp/proxy.cp)" \
 *     org.openjdk.jmh.Main WholeRecordPathBench</pre>
 * Scores are µs per frame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"}) // not Flyway's lines for every store opened
public class WholeRecordPathBench {
    static final int BURST = 256;
    private static final int SIZE = 1024;
    private static final Duration DRAIN = Duration.ofSeconds(60);

    @Param({"tap", "bus", "decode", "store"})
    public String through;

    @Param({"binary", "json"})
    public String payload;

    /** The frames of a burst as they come off the sockets: even ones from the client (masked), odd ones from the upstream. */
    private byte[][] wire;
    private final MicroClock clock = new MicroClock();
    private final MemoryBudget memory = MemoryBudget.forThisHeap();
    private Path dir;
    private RecordingStore store;
    private CaptureBus bus;
    private DecodingStage decoding;
    private PassThroughSession session;

    @Setup(Level.Trial)
    public void frames() {
        Random random = new Random(20);
        wire = new byte[BURST][];
        for (int i = 0; i < BURST; i++) {
            boolean binary = payload.equals("binary");
            byte[] p = binary ? new byte[SIZE] : chat(random, i);
            if (binary) {
                random.nextBytes(p);
            }
            wire[i] = WireFrames.frame(true, 0, binary ? 0x2 : 0x1, i % 2 == 0, p);
        }
    }

    /** The proxy's recording pieces, as far as {@link #through} goes, and a session opened on them. */
    @Setup(Level.Iteration)
    public void open() throws Exception {
        dir = Files.createTempDirectory("record-path-bench");
        store = Stores.openWriter(new StoreLocation.Folder(dir), memory);
        bus = new CaptureBus(CaptureBus.DEFAULT_MAX_WAIT);
        switch (through) {
            case "tap" -> { }
            case "bus" -> bus.subscribe("nothing", events -> { }, EventBus.Delivery.LOSSLESS, memory.captureQueue(Duration.ZERO));
            case "decode", "store" -> decoding = DecodingStage.attach(bus,
                    new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false), memory.captureQueue(Duration.ZERO),
                    through.equals("store") ? new Recorder(store) : (List<DecodedEvent> events) -> { },
                    memory.decodedQueue(Duration.ZERO));
            default -> throw new IllegalArgumentException("through: tap, bus, decode or store, not " + through);
        }
        long id = store.nextSessionId();
        Handshake h = new Handshake("/ws", null, List.of(), 101, List.of(), null, List.of());
        bus.publish(new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000",
                h, clock.nowMicros())));
        session = new PassThroughSession(id, NegotiatedExtensions.NONE, RelayOptions.DEFAULT_MAX_MESSAGE_BYTES,
                MessageBudget.from(memory), bus, clock, new Network(), s -> { });
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        session.onClosed();
        drained().get(DRAIN.toSeconds(), TimeUnit.SECONDS);
        bus.close(DRAIN);
        if (decoding != null) {
            decoding.decoded().close(DRAIN);
            decoding = null;
        }
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One burst, read frame by frame as the relay reads it, and then everything in it through the stages measured. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst() throws Exception {
        Runnable resume = () -> { };
        for (int i = 0; i < BURST; i++) {
            Direction from = i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            if (!session.mayRead(from, resume)) {
                throw new IllegalStateException("the capture queue is full: this benchmark waits for every burst, so it never should be");
            }
            ByteBuffer[] out = session.onRead(from, ByteBuffer.wrap(wire[i]));
            if (out.length != 1) {
                throw new IllegalStateException("the tap did not pass the frame on");
            }
            session.written(from, null); // the write to the peer is done: the frame is published
        }
        drained().get(DRAIN.toSeconds(), TimeUnit.SECONDS);
    }

    /** Completes once what was published so far has gone as far as {@link #through} says. */
    private CompletableFuture<Void> drained() {
        return decoding != null ? decoding.flush() : bus.flush();
    }

    /** About 1 KiB of JSON a chat sends (as RecordPathBench's, in recordings): every frame a different one. */
    static byte[] chat(Random random, int i) {
        StringBuilder sb = new StringBuilder(SIZE + 64).append("{\"type\":\"message\",\"id\":").append(i)
                .append(",\"room\":\"general\",\"user\":{\"id\":\"u").append(random.nextInt(1_000_000)).append("\",\"name\":\"user ")
                .append(random.nextInt(1000)).append("\"},\"text\":\"");
        while (sb.length() < SIZE - 40) {
            sb.append("word").append(random.nextInt(10_000)).append(' ');
        }
        return sb.append("\",\"sent\":").append(1_700_000_000_000L + i).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes complete at once; the session asks nothing else of the network while the benchmark reads. */
    private static final class Network implements Sockets {
        @Override
        public void write(Direction direction, ByteBuffer[] bytes, Completion done) {
            done.completed(null);
        }

        @Override
        public void shutdownOutput(Direction direction) {
        }

        @Override
        public void closeBoth() {
        }

        @Override
        public void schedule(Duration delay, Runnable task) {
        }
    }

    public static void main(String[] args) throws IOException, org.openjdk.jmh.runner.RunnerException {
        new Runner(new OptionsBuilder().include(WholeRecordPathBench.class.getSimpleName()).build()).run();
    }
}
