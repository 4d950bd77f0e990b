package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * A frame-level client (Jetty core) for what java.net.http cannot do: invalid UTF-8, extensions.
 *
 * <p>The frames it gets are Jetty's, not the wire's: with auto-fragment on (Jetty's default), Jetty's {@code Parser}
 * hands a data frame whose payload is not all in one read over as a fragment ({@code fin} false) and the rest as a
 * CONTINUATION, and permessage-deflate's inflater then delivers the message as TEXT/BINARY({@code fin} false) plus
 * CONTINUATION(s), the last possibly empty. How a message is cut into reads depends on the load, so a test that wants
 * whole messages takes them with {@link #nextMessage()}, not {@link #nextFrame()}.
 */
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

    /** The next frame as Jetty delivered it: a whole message may come as several (see the class comment). */
    public Frame nextFrame() throws InterruptedException {
        return frames.next("frame");
    }

    /**
     * The next message, whole: a TEXT or BINARY frame and the CONTINUATIONs up to the one with {@code fin}, joined into
     * one frame with the first one's opcode and {@code fin} set. A control frame or a CONTINUATION that comes where a
     * message should begin is returned as it came (so that a test asserting the opcode fails on it); a frame other than
     * a CONTINUATION inside a message fails.
     */
    public Frame nextMessage() throws InterruptedException {
        Frame first = frames.next("message");
        if (first.isFin() || (first.getOpCode() != OpCode.TEXT && first.getOpCode() != OpCode.BINARY)) {
            return first;
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        append(payload, first);
        int count = 1;
        Frame f;
        do {
            f = frames.next("the rest of a message (fragment " + (count + 1) + ")");
            count++;
            if (f.getOpCode() != OpCode.CONTINUATION) {
                throw new AssertionError("the client got " + OpCode.name(f.getOpCode()) + " inside a " + OpCode.name(first.getOpCode())
                        + " message (after " + (count - 1) + " fragment(s) of it) where a CONTINUATION should come");
            }
            append(payload, f);
        } while (!f.isFin());
        return new Frame(first.getOpCode(), true, ByteBuffer.wrap(payload.toByteArray()));
    }

    private static void append(ByteArrayOutputStream out, Frame frame) {
        if (frame.getPayloadLength() == 0) {
            return;
        }
        byte[] chunk = new byte[frame.getPayloadLength()];
        frame.getPayload().duplicate().get(chunk);
        out.writeBytes(chunk);
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
