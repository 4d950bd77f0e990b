package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * CPU per frame of the record path behind the relay (issue 20), one batch of {@value #BATCH} frames at a time as the
 * recorder takes them: {@code decode} (detection, masking, the reader, correlation: {@link CaptureDecoder}),
 * {@code block} (what the store's writer does to a decoded batch: the block encoded, and compressed, into a direct
 * buffer as into the journal's write buffer, the text signature, the block index) and {@code recordPath}, both in
 * turn. Each batch is a session of its own (opened, {@value #BATCH} frames, closed), so the session set-up is in the
 * figure, spread over the batch. Payloads:
 * {@code binary} (1 KiB of random bytes, the shared benchmark's throughput message) and {@code json} (about 1 KiB of
 * chat-like JSON text, every frame a different one). Not the tap, the bus hand-offs (threads) or the store's writes:
 * {@code WholeRecordPathBench}, in the proxy module, times the whole path. A benchmark, not a test; about a minute (add
 * {@code -prof gc} to the args for bytes allocated per frame):
 * <pre>mvn -q -o -pl decoder,recordings test-compile
 * mvn -q -o -pl recordings dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/rec.cp
 * java -cp "recordings/target/test-classes:recordings/target/classes:decoder/target/classes:$(cat /tmp/rec.cp)" \
 *     org.openjdk.jmh.Main RecordPathBench</pre>
 * (the decoder's classes from this checkout come first, ahead of any installed snapshot).
 * Scores are µs per frame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class RecordPathBench {
    static final int BATCH = 64;
    private static final int SIZE = 1024;

    @Param({"binary", "json"})
    public String payload;

    private final SecretMasker masker = SecretMasker.withKey(new byte[32]);
    private final ProtocolRegistry registry = ProtocolRegistry.builtIn();
    private final BlockCompression.Compressor compressor = new BlockCompression.Compressor();
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(256 << 10);
    private List<RecordedFrame> frames;
    private List<StoredFrame> decoded;
    private long sessionId;

    @Setup
    public void setUp() {
        Random random = new Random(20);
        frames = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            Direction from = i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            boolean binary = payload.equals("binary");
            frames.add(new RecordedFrame(1, i + 1, 1_000_000L + i * 20L, from, binary ? FrameType.BINARY : FrameType.TEXT,
                    binary ? randomBytes(random) : chat(random, i), 1, null));
        }
        decoded = decode();
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[SIZE];
        random.nextBytes(b);
        return b;
    }

    /** About 1 KiB of JSON a chat sends: a message with an id, a user, a text and a few fields. */
    static byte[] chat(Random random, int i) {
        StringBuilder sb = new StringBuilder(SIZE + 64).append("{\"type\":\"message\",\"id\":").append(i)
                .append(",\"room\":\"general\",\"user\":{\"id\":\"u").append(random.nextInt(1_000_000)).append("\",\"name\":\"user ")
                .append(random.nextInt(1000)).append("\"},\"text\":\"");
        while (sb.length() < SIZE - 40) {
            sb.append("word").append(random.nextInt(10_000)).append(' ');
        }
        return sb.append("\",\"sent\":").append(1_700_000_000_000L + i).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private List<StoredFrame> decode() {
        long id = ++sessionId;
        CaptureDecoder decoder = new CaptureDecoder(registry, masker, false);
        List<StoredFrame> out = new ArrayList<>(BATCH);
        java.util.function.Consumer<DecodedEvent> sink = e -> {
            if (e instanceof DecodedEvent.FrameDecoded f) {
                out.add(new StoredFrame(f.frame(), f.decoding()));
            }
        };
        Handshake h = new Handshake("/ws", null, List.of(), 101, List.of(), null, List.of());
        decoder.decode(new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://127.0.0.1:8888",
                "127.0.0.1:50000", h, 1_000_000L)), sink);
        for (RecordedFrame f : frames) {
            decoder.decode(new CaptureEvent.FrameCaptured(new RecordedFrame(id, f.seq(), f.timeMicros(), f.from(), f.type(),
                    f.payload(), 1, null)), sink);
        }
        decoder.decode(new CaptureEvent.SessionClosed(id, null), sink);
        return out;
    }

    /**
     * The store writer's work on one decoded batch, short of writing it to the file: the journal's block entry's values,
     * and the block's bytes made in a direct buffer as the journal makes them in its write buffer ({@link BlockBody}).
     */
    private Object block(List<StoredFrame> batch) throws IOException {
        BlockBody body = BlockBody.of(batch.get(0).frame().sessionId(), batch, p -> {
            throw new IOException("no payload here is large enough for a payload file");
        }, compressor);
        if (writeBuffer.capacity() < body.maxStoredSize()) {
            writeBuffer = ByteBuffer.allocateDirect(body.maxStoredSize());
        }
        int compression = body.writeTo(writeBuffer.clear());
        byte[] grams = body.leavesOutText() ? null : TextGrams.of(batch);
        List<FrameSummary> summaries = new ArrayList<>(batch.size());
        for (StoredFrame f : batch) {
            summaries.add(FrameSummary.of(f));
        }
        return new Object[] {compression, grams, BlockIndexCodec.encode(summaries)};
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object decodeBatch() {
        return decode();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object blockBatch() throws IOException {
        return block(decoded);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object recordPath() throws IOException {
        return block(decode());
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(RecordPathBench.class.getSimpleName()).build()).run();
    }
}
