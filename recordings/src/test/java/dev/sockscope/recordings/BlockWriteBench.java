package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.Warmup;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame block from its frames to the bytes in the journal's direct write buffer (issue 20, item 2), two ways:
 * {@code array} as the recorder did it before (the array encoder, its growing array and the exact copy of it, the
 * compressor's exact copy of an LZ4 block, then the journal's copy into its buffer), {@code journal} as it does now
 * ({@link BlockBody}: the block encoded straight into the buffer, or into the compressor's reused array that LZ4 reads
 * and writes into the buffer). With {@code -prof gc}, the bytes allocated per block show the copies that are gone.
 * {@code frames}: 3 frames of 1 KiB (a block too small to compress, as most of a busy proxy's are) or 64 (64 KiB,
 * compressed: {@code json}, or tried once and then skipped: {@code binary}). Each block is a session's next one. A
 * benchmark, not a test:
 * <pre>mvn -q -o -pl decoder,recordings test-compile
 * mvn -q -o -pl recordings dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/rec.cp
 * java -cp "recordings/target/test-classes:recordings/target/classes:decoder/target/classes:$(cat /tmp/rec.cp)" \
 *     org.openjdk.jmh.Main BlockWriteBench -prof gc</pre>
 * Scores are µs per block.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class BlockWriteBench {
    @Param({"binary", "json"})
    public String payload;

    @Param({"3", "64"})
    public int frames;

    private final BlockCompression.Compressor arrays = new BlockCompression.Compressor();
    private final BlockCompression.Compressor journal = new BlockCompression.Compressor();
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1 << 20);
    private final FrameBlockCodec.PayloadSink none = p -> {
        throw new IOException("no payload here is large enough for a payload file");
    };
    private List<StoredFrame> block;

    @Setup
    public void setUp() {
        Random random = new Random(20);
        block = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            boolean binary = payload.equals("binary");
            byte[] p = binary ? new byte[1024] : RecordPathBench.chat(random, i);
            if (binary) {
                random.nextBytes(p);
            }
            block.add(new StoredFrame(new RecordedFrame(1, i + 1, 1_000_000L + i * 20L,
                    i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                    binary ? FrameType.BINARY : FrameType.TEXT, p, 1, null), null));
        }
    }

    @Benchmark
    public int array() throws IOException {
        byte[] encoded = FrameBlockCodec.encode(block, none);
        BlockCompression.Stored stored = arrays.compress(1, encoded);
        writeBuffer.clear().put(stored.bytes());
        return writeBuffer.position() + stored.compression();
    }

    @Benchmark
    public int journal() throws IOException {
        BlockBody body = BlockBody.of(1, block, none, journal);
        int compression = body.writeTo(writeBuffer.clear());
        return writeBuffer.position() + compression;
    }
}
