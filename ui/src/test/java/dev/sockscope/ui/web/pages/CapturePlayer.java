package dev.sockscope.ui.web.pages;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Plays a real library's capture ({@code decoder/src/test/resources/captures}) again through the proxy, both sides in
 * lock step: the server side as a simulator, the client side as a WebSocket client, each sending its next frames once
 * it has received the other's frames before them. Control frames are left to the WebSocket layer.
 */
final class CapturePlayer {
    private final List<RecordedFrame> script;

    CapturePlayer(Capture capture) {
        this.script = capture.frames().stream().filter(f -> !f.type().isControl()).toList();
    }

    /** The server side, for a {@code SimulatorServer}; its state is the index of the next frame of the script. */
    Simulator<Integer> server(String name) {
        return new Simulator<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Integer onOpen(Upgrade upgrade, Peer peer) {
                return sendFrom(0, peer);
            }

            @Override
            public Integer onText(Integer next, Peer peer, String text) {
                return sendFrom(next + 1, peer);
            }

            @Override
            public Integer onBinary(Integer next, Peer peer, byte[] data) {
                return sendFrom(next + 1, peer);
            }
        };
    }

    private int sendFrom(int next, Simulator.Peer peer) {
        int i = next;
        while (i < script.size() && script.get(i).from() == Direction.SERVER_TO_CLIENT) {
            RecordedFrame f = script.get(i++);
            if (f.type() == FrameType.BINARY) {
                peer.sendBinary(f.payload());
            } else {
                peer.send(f.text());
            }
        }
        return i;
    }

    /** Connects to {@code uri} and plays the client side; completes when the whole script has crossed, then closes. */
    CompletableFuture<Void> client(HttpClient http, URI uri) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private int next;

            @Override
            public void onOpen(WebSocket ws) {
                next = sendClientFrames(ws, 0, done);
                ws.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                received(ws, last);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                received(ws, last);
                return null;
            }

            private void received(WebSocket ws, boolean last) {
                if (last) {
                    next = sendClientFrames(ws, next + 1, done);
                }
                ws.request(1);
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                done.completeExceptionally(error);
            }
        };
        http.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        return done;
    }

    private int sendClientFrames(WebSocket ws, int next, CompletableFuture<Void> done) {
        int i = next;
        while (i < script.size() && script.get(i).from() == Direction.CLIENT_TO_SERVER) {
            RecordedFrame f = script.get(i++);
            if (f.type() == FrameType.BINARY) {
                ws.sendBinary(ByteBuffer.wrap(f.payload()), true).join();
            } else {
                ws.sendText(f.text(), true).join();
            }
        }
        if (i >= script.size() && !done.isDone()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").thenRun(() -> done.complete(null));
        }
        return i;
    }
}
