package dev.sockscope.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
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
import dev.sockscope.decode.DecodingStage;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.jetty.JettyRelay;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.recordings.Recorder;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;

/**
 * The relay's side of a connection (issue 20, item 1: "the connect path"), wall time per connection: a real relay
 * started as the proxy starts it ({@link JettyRelay#start}, pass-through, one route on loopback port 0) in front of a
 * real Jetty WebSocket echo server on port 0, and a client that opens a connection through it, sends one small text
 * message, waits for its echo, closes, and waits for the close to complete. For the relay that is: accepting, Jetty
 * parsing the upgrade request ({@code UpgradeHandler}), dialling the upstream with one TCP connection and one request
 * ({@code PlainUpgradeDial}, {@code PlainUpgradeConnection}), answering the client's 101 as the upstream answered
 * ({@code PassThroughUpgrade}), the session's two pump legs and its tap carrying the message and its echo, the
 * client's close frame up and the upstream's answer down, each leg's end of stream passed on, and the session's end
 * published ({@code PassThroughSession}). An operation ends when the client has read the close answer and the end of
 * stream and closed its socket, and (through the relay) once the relay has no open session left
 * ({@link Relay#whenIdle}), so that no part of one connection's work spills into the next operation's time.
 *
 * <p>{@code via} says what the client connects to: {@code direct} (the echo server itself, no relay: the floor that the
 * client, the echo server and loopback TCP set, in the same JVM), {@code relay} (the relay, publishing to a capture bus
 * whose one lossless subscriber only counts sessions ended, with the 2 ms linger of the proxy's decoding stage), and
 * {@code recording} (the relay with the proxy's recording behind its bus, wired as {@code ProxyRuntime} wires it, with
 * its lingers of 2 and 50 ms: {@link DecodingStage#attach}, a lossless {@link Recorder} on a recordings folder in a
 * temporary directory, one per iteration). The relay does not wait for recording, and neither does an operation: with
 * {@code recording} the score has the decoding and recorder threads' work in it only as far as they take the cores
 * from the relay meanwhile; what they had not written at the end of an iteration is flushed in the tear-down, and the
 * fork prints how long that took when it was more than a second (the recording was then far behind the relay).
 *
 * <p>{@link #oneAtATime} opens one connection after another; {@link #sixteenAtOnce} has {@value #AT_ONCE} in flight at
 * each step (all opened, then each one's 101 read and its message sent, then each echo read and its close sent, then
 * each close answer and end of stream read), from the one benchmark thread, and its score is per connection. The
 * client is a plain blocking socket writing a fixed upgrade request (no extensions offered, no subprotocol) and fixed
 * masked frames ({@link WireFrames}), reading into a buffer of its own: no thread and no WebSocket library of its own,
 * so that its cost is small and the same for every {@code via}. Each answer is checked (the 101, the echo's bytes, the
 * close code 1000, the end of stream), and the first connection of each iteration checks the 101's
 * {@code Sec-WebSocket-Accept} too.
 *
 * <p>What it does not measure: TLS (both legs are plain {@code ws://}; a {@code wss://} upstream goes through Jetty's
 * HttpClient instead of {@code PlainUpgradeDial}); DNS names (the upstream is the IP literal 127.0.0.1, which the dial
 * connects to without a look-up); permessage-deflate and subprotocols; {@code --terminate} and the forward proxy; the
 * recording's own latency (above); and the JIT's young state. JMH measures a warmed JVM, which is exactly what
 * {@code compare.sh}'s connect figure is not: there a fresh proxy takes 100 connections at once from a client in another
 * process, most of its code still interpreted or compiled by C1 (docs/performance.md, "The JIT"), and the figure is the
 * client's p50 per connection, not an average. Here the client, the relay and the echo server share one JVM and the
 * two cores, so their costs, and the kernel's for the loopback TCP connections (two per connection through the relay,
 * one direct), are in every score; {@code relay} minus {@code direct} is what the relay adds. Each
 * connection leaves a TIME_WAIT socket on loopback; this needs {@code net.ipv4.tcp_tw_reuse} at 1 or 2 (Linux's default
 * 2 reuses them on loopback), or the 28 000 ephemeral ports may run out. A benchmark, not a test; about four
 * minutes with the defaults, from the project's folder (its 30 s of warm-up are needed: through the relay, scores
 * still fell by a third after 10 s, and settled after about 10 000 connections):
 * <pre>mvn -q -o -pl decoder,recordings,proxy test-compile
 * mvn -q -o -pl proxy dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/proxy.cp
 * java -cp "proxy/target/test-classes:proxy/target/classes:recordings/target/classes:decoder/target/classes:$(cat /tmp/proxy.cp)" \
 *     org.openjdk.jmh.Main ConnectBench</pre>
 * Scores are µs per connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"}) // not Flyway's lines for every store opened
public class ConnectBench {
    static final int AT_ONCE = 16;
    static final int TIMEOUT_MS = 10_000;
    private static final Duration DRAIN = Duration.ofSeconds(60);
    /** The proxy's lingers ({@code ProxyRuntime.STAGE_LINGER} and {@code RECORDER_LINGER}, in the ui module). */
    private static final Duration STAGE_LINGER = Duration.ofMillis(2);
    private static final Duration RECORDER_LINGER = Duration.ofMillis(50);
    /** Recording this far behind at the end of an iteration is said (it was 140 ms at most in a short run). */
    private static final Duration LAGGING = Duration.ofSeconds(1);
    /** RFC 6455's example key and the accept it gets. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    /** The message: as ConnectPathBench's (recordings), so that the recording decodes it as JSON. */
    static final byte[] HELLO = "{\"type\":\"hello\",\"room\":\"general\",\"from\":\"bench\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MESSAGE = WireFrames.text(true, new String(HELLO, StandardCharsets.UTF_8));
    private static final byte[] CLOSE = WireFrames.close(true, 1000, "");

    @Param({"direct", "relay", "recording"})
    public String via;

    private final MemoryBudget memory = MemoryBudget.forThisHeap();
    private final BenchClientConnection[] clients = new BenchClientConnection[AT_ONCE];
    private EchoUpstream upstream;
    private Relay relay;
    private CaptureBus bus;
    private DecodingStage decoding;
    private RecordingStore store;
    private Path dir;
    private final LongAdder sessionsEnded = new LongAdder();
    private long connections;
    private InetSocketAddress target;
    private byte[] upgrade;

    @Setup(Level.Trial)
    public void upstream() throws Exception {
        upstream = EchoUpstream.start();
        for (int i = 0; i < AT_ONCE; i++) {
            clients[i] = new BenchClientConnection();
        }
    }

    @TearDown(Level.Trial)
    public void stopUpstream() throws Exception {
        upstream.close();
    }

    /** A relay (and its bus, and with {@code recording} a store) for each iteration, and one connection checked in full. */
    @Setup(Level.Iteration)
    public void open() throws Exception {
        connections = 0;
        sessionsEnded.reset();
        int port;
        if (via.equals("direct")) {
            port = upstream.port();
        } else {
            bus = new CaptureBus(CaptureBus.DEFAULT_MAX_WAIT);
            java.util.function.LongSupplier ids;
            switch (via) {
                case "relay" -> {
                    bus.subscribe("count", (List<CaptureEvent> events) -> {
                        for (CaptureEvent e : events) {
                            if (e instanceof CaptureEvent.SessionClosed) {
                                sessionsEnded.increment();
                            }
                        }
                    }, EventBus.Delivery.LOSSLESS, memory.captureQueue(STAGE_LINGER));
                    ids = new AtomicLong(1)::getAndIncrement;
                }
                case "recording" -> {
                    dir = Files.createTempDirectory("connect-bench");
                    store = Stores.openWriter(new StoreLocation.Folder(dir), memory);
                    decoding = DecodingStage.attach(bus, new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false),
                            memory.captureQueue(STAGE_LINGER));
                    decoding.decoded().subscribe("recorder", new Recorder(store), EventBus.Delivery.LOSSLESS,
                            memory.decodedQueue(RECORDER_LINGER));
                    ids = store::nextSessionId;
                }
                default -> throw new IllegalArgumentException("via: direct, relay or recording, not " + via);
            }
            relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), RelayOptions.defaults(), bus, ids);
            port = relay.boundRoutes().get(0).listenPort();
        }
        target = new InetSocketAddress("127.0.0.1", port);
        upgrade = ("GET /chat HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        probe();
    }

    /** One connection as an operation makes it, with the 101's accept checked too. */
    private void probe() throws Exception {
        BenchClientConnection c = clients[0];
        c.open(target, upgrade);
        try {
            String head = c.awaitSwitch();
            boolean accepted = head.lines().anyMatch(line -> {
                int colon = line.indexOf(':');
                return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")
                        && line.substring(colon + 1).trim().equals(ACCEPT);
            });
            if (!accepted) {
                throw new IllegalStateException("the 101 has no Sec-WebSocket-Accept: " + ACCEPT + ":\n" + head);
            }
            c.send(MESSAGE);
            c.awaitEcho();
            c.send(CLOSE);
            c.awaitCloseAndEnd();
        } finally {
            c.closeQuietly();
        }
        connections++;
        if (relay != null) {
            relay.whenIdle().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        if (relay == null) {
            return;
        }
        relay.whenIdle().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        relay.stop(Duration.ofSeconds(5));
        relay = null;
        long drainStarted = System.nanoTime();
        if (decoding != null) {
            decoding.flush().get(DRAIN.toSeconds(), TimeUnit.SECONDS);
            long drainedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStarted);
            if (drainedMs > LAGGING.toMillis()) { // in the middle of JMH's line, but then the score does not say it all
                System.out.println("(the recording took " + drainedMs + " ms to write what it held at the end of the iteration)");
            }
        } else {
            bus.flush().get(DRAIN.toSeconds(), TimeUnit.SECONDS);
            if (sessionsEnded.sum() != connections) {
                throw new IllegalStateException("the relay published " + sessionsEnded.sum() + " session ends for "
                        + connections + " connections");
            }
        }
        if (bus.failure().isPresent()) {
            throw new IllegalStateException("the bus failed: " + bus.failure().get().describe());
        }
        bus.close(DRAIN);
        bus = null;
        if (decoding != null) {
            decoding.decoded().close(DRAIN);
            decoding = null;
        }
        if (store != null) {
            store.close();
            store = null;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** One connection: open, 101, a message and its echo, the close both ways. */
    @Benchmark
    public void oneAtATime() throws Exception {
        connect(1);
    }

    /** {@value #AT_ONCE} connections in flight together; the score is per connection. */
    @Benchmark
    @OperationsPerInvocation(AT_ONCE)
    public void sixteenAtOnce() throws Exception {
        connect(AT_ONCE);
    }

    private void connect(int n) throws Exception {
        BenchClientConnection[] cs = clients;
        try {
            for (int i = 0; i < n; i++) {
                cs[i].open(target, upgrade);
            }
            for (int i = 0; i < n; i++) {
                cs[i].awaitSwitch();
                cs[i].send(MESSAGE);
            }
            for (int i = 0; i < n; i++) {
                cs[i].awaitEcho();
                cs[i].send(CLOSE);
            }
            for (int i = 0; i < n; i++) {
                cs[i].awaitCloseAndEnd();
            }
        } catch (Exception | Error e) {
            for (int i = 0; i < n; i++) {
                cs[i].closeQuietly();
            }
            throw e;
        }
        connections += n;
        if (relay != null) {
            relay.whenIdle().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static final class EchoUpstream implements AutoCloseable {
        private final Server server;
        private final ServerConnector connector;

        private EchoUpstream() throws Exception {
            QueuedThreadPool threads = new QueuedThreadPool();
            threads.setName("echo-upstream");
            threads.setDaemon(true);
            server = new Server(threads);
            connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
            ws.addMapping("/*", new WebSocketNegotiator.AbstractNegotiator() {
                @Override
                public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
                    return new Echo();
                }
            });
            server.setHandler(ws);
        }

        static EchoUpstream start() throws Exception {
            EchoUpstream upstream = new EchoUpstream();
            upstream.server.start();
            return upstream;
        }

        int port() {
            return connector.getLocalPort();
        }

        java.net.URI uri() {
            return java.net.URI.create("ws://127.0.0.1:" + port());
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    private static final class Echo implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte op = frame.getOpCode();
            if (op == OpCode.CLOSE) {
                callback.succeeded(); // Jetty answers with the same code, then closes the connection
                return;
            }
            if (!frame.isDataFrame()) {
                callback.succeeded();
                session.demand();
                return;
            }
            byte[] payload = new byte[frame.getPayloadLength()];
            frame.getPayload().duplicate().get(payload);
            session.sendFrame(new Frame(op, frame.isFin(), ByteBuffer.wrap(payload)), Callback.from(() -> {
                callback.succeeded();
                session.demand();
            }, callback::failed), false);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }

    public static void main(String[] args) throws IOException, org.openjdk.jmh.runner.RunnerException {
        new Runner(new OptionsBuilder().include(ConnectBench.class.getSimpleName()).build()).run();
    }
}
