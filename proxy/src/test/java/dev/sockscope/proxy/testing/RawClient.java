package dev.sockscope.proxy.testing;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/** A frame-level client (Jetty core) for what java.net.http cannot do: invalid UTF-8, extensions. */
public final class RawClient implements FrameHandler, AutoCloseable {
    public final EventQueue<Frame> frames = new EventQueue<>("the client");
    public final EventQueue<CloseStatus> closes = new EventQueue<>("the client");
    private final WebSocketCoreClient client = new WebSocketCoreClient();
    public CoreSession session;

    public static RawClient connect(URI uri, String... extensions) throws Exception {
        RawClient raw = new RawClient();
        raw.client.start();
        CoreClientUpgradeRequest req = CoreClientUpgradeRequest.from(raw.client, uri, raw);
        if (extensions.length > 0) {
            req.addExtensions(extensions);
        }
        raw.session = raw.client.connect(req).get(10, TimeUnit.SECONDS);
        return raw;
    }

    public void send(Frame frame) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session.sendFrame(frame, done, false);
        done.get(10, TimeUnit.SECONDS);
    }

    public Frame nextFrame() throws InterruptedException {
        return frames.next("frame");
    }

    public CloseStatus nextClose() throws InterruptedException {
        return closes.next("close");
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        frames.add(Frame.copy(frame));
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        closes.add(closeStatus);
        callback.succeeded();
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
