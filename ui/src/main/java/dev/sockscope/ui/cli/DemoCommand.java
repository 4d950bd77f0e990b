package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.EchoUpstream;
import dev.sockscope.ui.ProxyRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sockscope demo}: a built-in echo upstream, the proxy in front of it, and a scripted client
 * that sends a few kinds of frames through it, so that there is something recorded to look at at once.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a built-in echo upstream and the proxy in front of it, records a scripted session,",
                "then keeps running so you can point your own client at the proxy. Ctrl-C stops it."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--listen", defaultValue = "127.0.0.1:9444", paramLabel = "HOST:PORT",
            description = "Where the proxy listens (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--exit", description = "Stop after the scripted session instead of running until Ctrl-C.")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EchoUpstream echo = EchoUpstream.start("127.0.0.1", 0);
        Route route = Route.parse(listen + "=" + echo.uri());
        ProxyRuntime runtime = ProxyRuntime.start(List.of(route), RelayOptions.defaults(), db.directory(), false);
        StopOnSignal stop = new StopOnSignal(runtime, echo);
        Route bound = runtime.relay().boundRoutes().get(0);
        out.println("sockscope demo: echo upstream at " + echo.uri());
        out.println("sockscope demo: relaying ws://" + bound.listen() + " -> " + echo.uri());
        out.println("sockscope demo: recording to " + runtime.store().directory());
        out.flush();
        script(URI.create("ws://" + bound.listen() + "/demo?room=1"), out);
        runtime.awaitRecorded(Duration.ofSeconds(10));
        long id = runtime.store().sessions(1).get(0).id();
        out.println("sockscope demo: recorded session " + id + "; look at it with:");
        out.println("    java -jar ui/target/sockscope.jar frames " + id + " --db " + runtime.store().directory());
        if (exit) {
            stop.close();
            return 0;
        }
        out.println("sockscope demo: point a WebSocket client at ws://" + bound.listen() + "/ ; Ctrl-C stops");
        out.flush();
        stop.await();
        return 0;
    }

    /** A scripted client: text, a fragmented message, binary, ping, close. */
    private void script(URI uri, PrintWriter out) throws Exception {
        CountDownLatch replies = new CountDownLatch(4);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("demo.v1")
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        w.request(1);
                        if (last) {
                            replies.countDown();
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        w.request(1);
                        replies.countDown();
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                        w.request(1);
                        replies.countDown();
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"cmd\":0,\"seq\":1,\"opcode\":6,\"payload\":{\"userAgent\":{\"deviceType\":\"WEB\"}}}", true).get(5, TimeUnit.SECONDS);
        ws.sendText("{\"name\":\"Event.SendMessage\",", false).get(5, TimeUnit.SECONDS);
        ws.sendText("\"args\":\"{\\\"content\\\":\\\"hello\\\"}\"}", true).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {0x00, 0x01, (byte) 0xCA, (byte) 0xFE}), true).get(5, TimeUnit.SECONDS);
        ws.sendPing(ByteBuffer.wrap("heartbeat".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        if (!replies.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the demo client got no echo through the proxy within 10 s");
        }
        CompletableFuture<WebSocket> closed = ws.sendClose(WebSocket.NORMAL_CLOSURE, "demo done");
        closed.get(5, TimeUnit.SECONDS);
        out.println("sockscope demo: scripted client sent text, a fragmented message, binary, a ping, and closed");
    }
}
