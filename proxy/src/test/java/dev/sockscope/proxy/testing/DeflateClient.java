package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * Jetty's WebSocket client at its defaults with permessage-deflate offered (as browsers do): what it receives, whole
 * messages as text, the frames they came in, and its close.
 */
public final class DeflateClient implements AutoCloseable, FrameHandler {
    public final List<String> texts = new CopyOnWriteArrayList<>();
    /** Frames of data (text, binary, continuation) received, for re-fragmentation checks. */
    public final List<Byte> dataFrames = new CopyOnWriteArrayList<>();
    public final List<Byte> controlFrames = new CopyOnWriteArrayList<>();
    public final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    public volatile String extensions = "";
    private final HttpClient http = new HttpClient();
    private final WebSocketCoreClient ws;
    private volatile CoreSession session;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private DeflateClient() throws Exception {
        ws = new WebSocketCoreClient(http, null);
        ws.start();
    }

    public static DeflateClient connect(URI uri) throws Exception {
        DeflateClient c = new DeflateClient();
        CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(c.ws, uri, c);
        up.addExtensions("permessage-deflate");
        up.timeout(10, TimeUnit.SECONDS);
        try {
            c.ws.connect(up).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    public void send(String text) throws Exception {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendFrame(new Frame(OpCode.TEXT, text), Callback.from(() -> sent.complete(null), sent::completeExceptionally), false);
        sent.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        extensions = String.valueOf(coreSession.getNegotiatedExtensions());
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        if (frame.isDataFrame()) {
            dataFrames.add(frame.getOpCode());
            synchronized (partial) {
                byte[] bytes = BufferUtil.toArray(frame.getPayload() == null ? ByteBuffer.allocate(0) : frame.getPayload());
                partial.writeBytes(bytes);
                if (frame.isFin()) {
                    texts.add(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                }
            }
        } else {
            controlFrames.add(frame.getOpCode());
        }
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        closed.completeExceptionally(cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        closed.complete(closeStatus);
        callback.succeeded();
    }

    @Override
    public void close() {
        try {
            ws.stop();
        } catch (Exception ignored) {
            // stopping a client that never connected
        }
    }
}
