package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Per-byte cost of the decoding stage on one 10 MiB text frame (issue 20): secret masking alone, and the whole step a
 * frame takes through {@link SessionDecoder} (detection, JSON parse, masking, decoding), for random alphanumerics (a
 * base64 image without its padding), base64 and JSON. The session carries a bearer token, so the handshake's
 * credentials are searched for too. A benchmark, not a test; about a minute:
 * <pre>mvn -q -o -pl decoder test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.sockscope.decode.LargeFrameBench"</pre>
 * Throughput in MB/s is 10.49 divided by the reported seconds per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class LargeFrameBench {
    static final int SIZE = 10 << 20;
    private static final String TOKEN = "c2VjcmV0LXRva2VuLW9mLXRoZS1zZXNzaW9u";

    @Param({"alnum", "base64", "json"})
    public String payload;

    private byte[] bytes;
    private RecordedFrame frame;
    private Set<String> credentials;
    private SessionInfo session;
    private final SecretMasker masker = SecretMasker.withKey(new byte[32]);
    private final ProtocolRegistry registry = ProtocolRegistry.builtIn();

    @Setup(Level.Trial)
    public void setUp() {
        bytes = payload(payload, new Random(20));
        Handshake h = new Handshake("/ws", null, List.of(new Header("Authorization", "Bearer " + TOKEN)), 101, List.of(), null, List.of());
        session = new SessionInfo(1, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000", h, 0);
        credentials = SecretMasker.credentials(h);
        frame = new RecordedFrame(1, 1, 1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, bytes, 1, null);
    }

    /** Ten MiB of one kind of text. */
    static byte[] payload(String kind, Random random) {
        return switch (kind) {
            case "alnum" -> {
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                byte[] out = new byte[SIZE];
                for (int i = 0; i < SIZE; i++) {
                    out[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                }
                yield out;
            }
            case "base64" -> {
                byte[] raw = new byte[SIZE / 4 * 3];
                random.nextBytes(raw);
                yield Base64.getEncoder().encode(raw);
            }
            case "json" -> {
                StringBuilder sb = new StringBuilder(SIZE + 1024).append("{\"type\":\"batch\",\"items\":[");
                for (int i = 0; sb.length() < SIZE - 200; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"user\":\"u").append(random.nextInt(1_000_000))
                            .append("\",\"text\":\"message number ").append(i).append(" with some words in it\",\"score\":")
                            .append(random.nextDouble()).append(",\"tags\":[\"a\",\"b\"],\"ok\":true}");
                }
                yield sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Benchmark
    public byte[] maskBytes() {
        return masker.maskBytes(bytes, credentials);
    }

    @Benchmark
    public Object decodeFrame() {
        return registry.open(session, masker).decode(frame);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(LargeFrameBench.class.getSimpleName()).build()).run();
    }
}
