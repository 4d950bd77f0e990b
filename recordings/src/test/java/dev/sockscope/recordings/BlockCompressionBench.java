package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame block's compression on the recorder's thread (issue 20): the raw deflate at its fastest level that blocks
 * had until 2026-12-06 against the LZ4 they have now, on a full block ({@link IndexWriter#BLOCK_TARGET_BYTES}) of
 * 1 KiB frames: chat JSON, the shared benchmark's binary messages (slices of one random pattern, as {@code load.js}
 * sends them), and random bytes (media: neither shrinks it). The score is µs per block; the sizes are printed at
 * tear-down. A benchmark, not a test; about 3 minutes:
 * <pre>mvn -q -o -pl recordings -am test-compile  # then, in recordings:
 * mvn -q -o -pl recordings exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main BlockCompressionBench"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class BlockCompressionBench {
    private static final int SIZE = 1024;

    @Param({"json", "pattern", "random"})
    public String payload;

    private byte[] block;
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final byte[] deflated = new byte[1 << 20];
    private final BlockCompression.Compressor lz4 = new BlockCompression.Compressor();
    private long session;
    private BlockCompression.Stored lz4Stored;
    private byte[] deflateStored;

    @Setup
    public void setUp() throws IOException {
        Random random = new Random(6);
        byte[] pattern = new byte[SIZE + 240];
        random.nextBytes(pattern);
        List<StoredFrame> frames = new ArrayList<>();
        for (int i = 0, bytes = 0; bytes < IndexWriter.BLOCK_TARGET_BYTES; i++, bytes += SIZE) {
            byte[] p = switch (payload) {
                case "json" -> RecordPathBench.chat(random, i); // about 1 KiB of chat JSON
                case "pattern" -> slice(pattern, i, random.nextInt(240));
                default -> noise(random);
            };
            FrameType type = payload.equals("json") ? FrameType.TEXT : FrameType.BINARY;
            frames.add(new StoredFrame(new RecordedFrame(1, i + 1, 1_000_000L + i * 20L,
                    i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, type, p, 1, null), null));
        }
        block = FrameBlockCodec.encode(frames, p -> {
            throw new IOException("no payload here is large enough for a payload file");
        });
        lz4Stored = lz4.compress(0, block);
        deflateStored = Arrays.copyOf(deflated, deflateInto());
    }

    private static byte[] slice(byte[] pattern, int i, int offset) {
        byte[] b = Arrays.copyOfRange(pattern, offset, offset + SIZE);
        byte[] head = String.format("%08x%08x", 1, i).getBytes(StandardCharsets.US_ASCII); // load.js's id and seq
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    private static byte[] noise(Random random) {
        byte[] b = new byte[SIZE];
        random.nextBytes(b);
        return b;
    }

    private int deflateInto() {
        deflater.reset();
        deflater.setInput(block);
        deflater.finish();
        int n = 0;
        while (!deflater.finished() && n < deflated.length) {
            n += deflater.deflate(deflated, n, deflated.length - n);
        }
        return n;
    }

    @Benchmark
    public int deflate() {
        return deflateInto();
    }

    @Benchmark
    public Object lz4() {
        return lz4.compress(++session, block); // a new session each time: never skipped
    }

    @Benchmark
    public Object inflate() {
        return BlockCompression.expand(deflateStored, BlockCompression.DEFLATE, block.length);
    }

    @Benchmark
    public Object lz4Expand() {
        return BlockCompression.expand(lz4Stored.bytes(), lz4Stored.compression(), block.length); // random: kept as is
    }

    @TearDown
    public void sizes() {
        System.out.printf("%n%s block: %d bytes; deflate %d (%.1f %%), LZ4 %d (%.1f %%, kept as %d)%n", payload,
                block.length, deflateStored.length, 100.0 * deflateStored.length / block.length,
                lz4Stored.bytes().length, 100.0 * lz4Stored.bytes().length / block.length, lz4Stored.compression());
        deflater.end();
    }
}
