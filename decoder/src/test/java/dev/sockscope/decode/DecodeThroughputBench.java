package dev.sockscope.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Decoding cost per frame on one thread, input by input (it replaces the hand-timed {@code DecodeThroughput}, with the
 * same inputs): each built-in protocol's golden conversations (the seed documents' examples, every {@code .frames} file
 * of the protocol in one session), each real library's capture in {@code src/test/resources/captures} (named
 * {@code FOLDER/FILE}, in the session a live proxy would choose for it), and four inputs of its own through detection
 * and the fallback: {@code bench} (the relay benchmark's 1 KiB binary message, 64 times), {@code generic} (about 1 KiB
 * of JSON that no decoder claims), {@code random} (64 different random 1 KiB payloads) and {@code formats} (MessagePack,
 * CBOR, gzip of JSON and schema-less protobuf that the fallback opens). An input is decoded over and over in fresh
 * sessions ({@link ProtocolRegistry#open}, every frame, then the session's unanswered requests), {@value #FRAMES}
 * frames per operation, so the score is µs per frame with the session's set-up spread over its frames (docs/decoders.md,
 * "Decoding speed", gives each input's frames and bytes per frame). A machine that other work keeps busy compiles
 * slowly: give it several warm-up iterations there. A benchmark, not a test; about five minutes for every input, or
 * {@code -p input=max,bench} for some:
 * <pre>mvn -q -o -pl decoder test-compile
 * mvn -q -o -pl decoder dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/dec.cp
 * java -cp "decoder/target/test-classes:decoder/target/classes:$(cat /tmp/dec.cp)" org.openjdk.jmh.Main DecodeThroughputBench</pre>
 * (from the project's folder or from {@code decoder/}: the inputs are read from either).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class DecodeThroughputBench {
    static final int FRAMES = 64;

    @Param({"max", "event-chat", "maim", "zavodchat", "qq-push",
            "graphql/01-graphql-transport-ws", "graphql/02-subscriptions-transport-ws",
            "json-rpc/01-rpc-websockets", "json-rpc/02-raw-batch",
            "mqtt/01-mqtt-3.1.1-aedes", "mqtt/02-mqtt-3.1.1-connack-refused",
            "signalr/01-json-hub-protocol", "socket.io/01-chat-bot",
            "stomp/01-stomp-1.2-artemis", "stomp/02-wrong-passcode",
            "bench", "generic", "random", "formats"})
    public String input;

    private final ProtocolRegistry registry = ProtocolRegistry.builtIn();
    private SessionInfo session;
    private RecordedFrame[] frames;
    /** The next frame to decode, and the session decoding the current pass over the input. */
    private int next;
    private SessionDecoder decoder;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<RecordedFrame> list;
        if (Files.isDirectory(inFolder(GoldenFrames.CONVERSATIONS).resolve(input)) && !input.contains("/")) {
            list = new ArrayList<>();
            try (Stream<Path> files = Files.list(inFolder(GoldenFrames.CONVERSATIONS).resolve(input))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".frames")).sorted().toList()) {
                    list.addAll(GoldenFrames.read(f));
                }
            }
            session = GoldenFrames.session(input);
        } else if (input.contains("/")) {
            Path f = inFolder(CapturesTest.ROOT).resolve(input + ".frames");
            Capture capture = Capture.read(f, f.getFileName().toString());
            list = capture.frames();
            session = capture.session(null);
        } else {
            list = switch (input) {
                case "bench" -> bench();
                case "generic" -> generic();
                case "random" -> randomBinary();
                case "formats" -> binaryFormats();
                default -> throw new IllegalArgumentException("no input called " + input);
            };
            session = GoldenFrames.session("detect");
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("input " + input + " has no frames");
        }
        frames = list.toArray(RecordedFrame[]::new);
    }

    /** The folder from the project's folder or from {@code decoder/}. */
    private static Path inFolder(Path path) {
        return Files.isDirectory(path) ? path : Path.of("decoder").resolve(path);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decode() {
        long sink = 0;
        for (int i = 0; i < FRAMES; i++) {
            if (next == 0) {
                decoder = registry.open(session);
            }
            sink += decoder.decode(frames[next]).decoding().label().length();
            if (++next == frames.length) {
                sink += decoder.unanswered().size();
                next = 0;
            }
        }
        return sink;
    }

    /** The relay benchmark's binary message: 1 KiB of random bytes, the same 64 times, both ways. */
    static List<RecordedFrame> bench() {
        byte[] binary = new byte[1024];
        new Random(1).nextBytes(binary);
        List<RecordedFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            frames.add(new RecordedFrame(1, i, i, i % 2 == 0 ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER,
                    FrameType.BINARY, binary, 1, null));
        }
        return frames;
    }

    /** About 1 KiB of JSON-RPC-like text that no decoder claims, 64 times. */
    static List<RecordedFrame> generic() {
        byte[] json = ("{\"version\":\"2.0\",\"method\":\"tick\",\"params\":{\"n\":1,\"text\":\"" + "x".repeat(900) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        List<RecordedFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            frames.add(new RecordedFrame(1, i, i, Direction.SERVER_TO_CLIENT, FrameType.TEXT, json, 1, null));
        }
        return frames;
    }

    /** 64 different random 1 KiB payloads: every first byte, so every format's first-byte test is exercised. */
    static List<RecordedFrame> randomBinary() {
        Random random = new Random(2);
        List<RecordedFrame> frames = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            byte[] b = new byte[1024];
            random.nextBytes(b);
            frames.add(new RecordedFrame(1, i, i, Direction.SERVER_TO_CLIENT, FrameType.BINARY, b, 1, null));
        }
        return frames;
    }

    /** Binary frames no decoder claims that the fallback opens: MessagePack, CBOR, gzip of JSON, schema-less protobuf. */
    static List<RecordedFrame> binaryFormats() throws IOException {
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

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(DecodeThroughputBench.class.getSimpleName()).build()).run();
    }
}
