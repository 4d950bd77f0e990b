package dev.sockscope.decode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Decoding cost of two builds of this module compared on a busy machine: a benchmark, not a test. Each build is loaded
 * in a class loader of its own in one JVM, and the two decode the same input ({@link DecodeThroughputBench}'s: a built-in
 * protocol's golden conversations, {@code bench} or {@code generic}) in half-second slices, taking turns, so that
 * whatever else the machine does falls on both alike; it prints the minimum and the median CPU time per frame of the
 * slices after four of warm-up. Timed by hand, not with JMH: JMH runs one build per forked JVM, and what this measures is
 * two builds taking turns in one JVM. From {@code decoder/}, with both builds' {@code target} folders (test-compiled):
 * <pre>
 * mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp
 * java -cp target/test-classes:$(cat /tmp/cp) dev.sockscope.decode.DecodeCompare /tmp/before/target target max 30
 * </pre>
 */
public final class DecodeCompare {
    private DecodeCompare() {
    }

    private static final long SLICE_NANOS = 500_000_000L;
    private static final int WARMUP_SLICES = 4;

    /** One build, ready to decode: its registry, the session, the frames, and the two methods called. */
    private record Build(Object registry, Object session, List<?> frames, Method open, Method decode) {
        /** Decodes the frames in fresh sessions for about {@code nanos}; how many frames it decoded. */
        long run(long nanos) throws Exception {
            long end = System.nanoTime() + nanos;
            long n = 0;
            while (System.nanoTime() < end) {
                Object decoder = open.invoke(registry, session);
                for (Object f : frames) {
                    decode.invoke(decoder, f);
                    n++;
                }
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        String input = args[2];
        int slices = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        List<URL> jars = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (p.endsWith(".jar")) {
                jars.add(Path.of(p).toUri().toURL());
            }
        }
        Build[] builds = new Build[2];
        for (int i = 0; i < 2; i++) {
            List<URL> urls = new ArrayList<>(List.of(Path.of(args[i], "test-classes").toUri().toURL(), Path.of(args[i], "classes").toUri().toURL()));
            urls.addAll(jars);
            builds[i] = load(new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()), input);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] micros = new double[2][slices];
        for (int s = 0; s < slices + WARMUP_SLICES; s++) {
            for (int i = 0; i < 2; i++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long frames = builds[i].run(SLICE_NANOS);
                if (s >= WARMUP_SLICES) {
                    micros[i][s - WARMUP_SLICES] = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / frames;
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            double[] v = micros[i].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%-8s %-14s min %6.2f  median %6.2f CPU µs/frame%n", i == 0 ? "first" : "second", input,
                    v[0], v[v.length / 2]);
        }
    }

    /** A build's decoding of the input, reached by reflection: each build has its own copy of every class. */
    private static Build load(ClassLoader cl, String input) throws Exception {
        Class<?> golden = cl.loadClass("dev.sockscope.decode.GoldenFrames");
        Class<?> registry = cl.loadClass("dev.sockscope.decode.ProtocolRegistry");
        Class<?> frame = cl.loadClass("dev.sockscope.wire.RecordedFrame");
        Class<?> direction = cl.loadClass("dev.sockscope.wire.Direction");
        Class<?> type = cl.loadClass("dev.sockscope.wire.FrameType");
        Method read = golden.getDeclaredMethod("read", Path.class);
        Method session = golden.getDeclaredMethod("session", String.class);
        read.setAccessible(true);
        session.setAccessible(true);
        Constructor<?> newFrame = frame.getConstructor(long.class, long.class, long.class, direction, type, byte[].class, int.class, String.class);
        Object client = direction.getField("CLIENT_TO_SERVER").get(null);
        Object server = direction.getField("SERVER_TO_CLIENT").get(null);
        List<Object> frames = new ArrayList<>();
        boolean own = input.equals("bench") || input.equals("generic");
        if (input.equals("bench")) {
            byte[] binary = new byte[1024];
            new Random(1).nextBytes(binary);
            for (long i = 1; i <= 64; i++) {
                frames.add(newFrame.newInstance(1L, i, i, i % 2 == 0 ? server : client, type.getField("BINARY").get(null), binary, 1, null));
            }
        } else if (input.equals("generic")) {
            byte[] json = ("{\"version\":\"2.0\",\"method\":\"tick\",\"params\":{\"n\":1,\"text\":\"" + "x".repeat(900) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            for (long i = 1; i <= 64; i++) {
                frames.add(newFrame.newInstance(1L, i, i, server, type.getField("TEXT").get(null), json, 1, null));
            }
        } else {
            try (Stream<Path> files = Files.list(Path.of("src/main/resources/dev/sockscope/conversations", input))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".frames")).sorted().toList()) {
                    frames.addAll((List<?>) read.invoke(null, f));
                }
            }
        }
        return new Build(registry.getMethod("builtIn").invoke(null), session.invoke(null, own ? "detect" : input), frames,
                registry.getMethod("open", cl.loadClass("dev.sockscope.wire.SessionInfo")),
                cl.loadClass("dev.sockscope.decode.SessionDecoder").getMethod("decode", frame));
    }
}
