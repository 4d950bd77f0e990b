package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Decoding throughput, frames per second per protocol, on one thread: a benchmark, not a test. Decodes the golden
 * conversations of each protocol (the seed documents' examples) over and over in fresh sessions, after a warm-up, and the
 * bench's own payloads (1 KiB binary) through detection and the fallback. Besides wall-clock rates it prints the CPU
 * time of the measuring thread per frame, which a loaded machine (other builds on the same cores) disturbs far less.
 * Run it with
 * <pre>mvn -q -pl decoder test-compile exec:java -Dexec.mainClass=dev.sockscope.decode.DecodeThroughput -Dexec.classpathScope=test</pre>
 */
public final class DecodeThroughput {
    private static final long WARMUP_NANOS = 3_000_000_000L;
    private static final long MEASURE_NANOS = 3_000_000_000L;

    public static void main(String[] args) throws Exception {
        ProtocolRegistry registry = ProtocolRegistry.builtIn();
        System.out.printf(Locale.ROOT, "%-12s %8s %12s %10s %12s %12s%n", "protocol", "frames", "frames/s", "µs/frame", "MB/s", "CPU µs/frame");
        // Arguments, if any, name the inputs to run (max, bench, generic...): for profiling one of them.
        java.util.function.Predicate<String> wanted = name -> args.length == 0 || List.of(args).stream().anyMatch(name::startsWith);
        for (String protocol : List.of("max", "event-chat", "maim", "zavodchat", "qq-push")) {
            if (!wanted.test(protocol)) {
                continue;
            }
            List<RecordedFrame> frames = new ArrayList<>();
            Path golden = Files.isDirectory(GoldenFrames.CONVERSATIONS) ? GoldenFrames.CONVERSATIONS
                    : Path.of("decoder").resolve(GoldenFrames.CONVERSATIONS);
            try (Stream<Path> files = Files.list(golden.resolve(protocol))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".frames")).sorted().toList()) {
                    frames.addAll(GoldenFrames.read(f));
                }
            }
            report(protocol, registry, GoldenFrames.session(protocol), frames);
        }
        // The real libraries' captures, one input per protocol folder, chosen as a live session would choose.
        Path captures = Files.isDirectory(CapturesTest.ROOT) ? CapturesTest.ROOT : Path.of("decoder").resolve(CapturesTest.ROOT);
        try (Stream<Path> folders = Files.list(captures)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                String name = "capture " + folder.getFileName();
                if (!wanted.test(name) && !wanted.test(folder.getFileName().toString())) {
                    continue;
                }
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".frames")).sorted().toList()) {
                        Capture capture = Capture.read(f, f.getFileName().toString());
                        report(folder.getFileName() + "/" + f.getFileName().toString().replace(".frames", ""), registry,
                                capture.session(null), capture.frames());
                    }
                }
            }
        }
        byte[] binary = new byte[1024];
        new java.util.Random(1).nextBytes(binary);
        List<RecordedFrame> bench = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            bench.add(new RecordedFrame(1, i, i, i % 2 == 0 ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER,
                    FrameType.BINARY, binary, 1, null));
        }
        if (wanted.test("bench")) {
            report("bench 1KiB", registry, GoldenFrames.session("detect"), bench);
        }
        String json = "{\"version\":\"2.0\",\"method\":\"tick\",\"params\":{\"n\":1,\"text\":\"" + "x".repeat(900) + "\"}}";
        List<RecordedFrame> generic = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            generic.add(new RecordedFrame(1, i, i, Direction.SERVER_TO_CLIENT, FrameType.TEXT, json.getBytes(StandardCharsets.UTF_8), 1, null));
        }
        if (wanted.test("generic")) {
            report("generic json", registry, GoldenFrames.session("detect"), generic);
        }
        if (wanted.test("random")) {
            report("random 1KiB", registry, GoldenFrames.session("detect"), randomBinary());
        }
        if (wanted.test("formats")) {
            report("formats", registry, GoldenFrames.session("detect"), binaryFormats());
        }
    }

    /** 64 different random 1 KiB payloads: every first byte, so every format's first-byte test is exercised. */
    static List<RecordedFrame> randomBinary() {
        java.util.Random random = new java.util.Random(2);
        List<RecordedFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            byte[] b = new byte[1024];
            random.nextBytes(b);
            frames.add(new RecordedFrame(1, i, i, Direction.SERVER_TO_CLIENT, FrameType.BINARY, b, 1, null));
        }
        return frames;
    }

    /** Binary frames no decoder claims that the fallback opens: MessagePack, CBOR, gzip of JSON, schema-less protobuf. */
    static List<RecordedFrame> binaryFormats() throws Exception {
        java.util.Map<String, Object> message = new java.util.LinkedHashMap<>();
        message.put("type", "price");
        message.put("id", 17);
        message.put("symbol", "ACME");
        message.put("bids", List.of(12.5, 12.4, 12.3));
        message.put("text", "x".repeat(200));
        byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(message);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write(json);
        }
        List<byte[]> payloads = List.of(
                new com.fasterxml.jackson.databind.ObjectMapper(new org.msgpack.jackson.dataformat.MessagePackFactory()).writeValueAsBytes(message),
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory()).writeValueAsBytes(message),
                gz.toByteArray(),
                com.google.protobuf.DescriptorProtos.FileDescriptorProto.newBuilder().setName("chat.proto").setPackage("chat")
                        .addMessageType(com.google.protobuf.DescriptorProtos.DescriptorProto.newBuilder().setName("Msg")
                                .addField(com.google.protobuf.DescriptorProtos.FieldDescriptorProto.newBuilder().setName("text").setNumber(1)))
                        .build().toByteArray());
        List<RecordedFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            frames.add(new RecordedFrame(1, i, i, Direction.SERVER_TO_CLIENT, FrameType.BINARY, payloads.get(i % payloads.size()), 1, null));
        }
        return frames;
    }

    private static void report(String name, ProtocolRegistry registry, SessionInfo session, List<RecordedFrame> frames) {
        long bytesPerPass = frames.stream().mapToLong(RecordedFrame::size).sum();
        run(registry, session, frames, WARMUP_NANOS);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long passes = run(registry, session, frames, MEASURE_NANOS);
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3;
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = passes * frames.size() / seconds;
        System.out.printf(Locale.ROOT, "%-12s %8d %12.0f %10.2f %12.1f %12.2f%n", name, frames.size(), perSecond, 1e6 / perSecond,
                passes * bytesPerPass / seconds / 1e6, cpuMicros / (passes * frames.size()));
    }

    private static long run(ProtocolRegistry registry, SessionInfo session, List<RecordedFrame> frames, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long passes = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            SessionDecoder d = registry.open(session);
            for (RecordedFrame f : frames) {
                sink += d.decode(f).decoding().label().length();
            }
            sink += d.unanswered().size();
            passes++;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return passes;
    }
}
