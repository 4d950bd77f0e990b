package dev.sockscope.proxy.jetty;

import java.io.EOFException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import dev.sockscope.proxy.HandshakeHeaders;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Header;

/**
 * The client side of a replay: connects to a local relay route (which dials the real upstream with the relay's own
 * TLS, {@code --insecure} and timeouts, and records the replay like any session), sends the recorded client frames,
 * and reads whatever comes back (the recording of it is the relay's job). Offers permessage-deflate when the recording
 * did, so the upstream sees the same negotiation.
 */
public final class ReplayClient implements AutoCloseable {
    private final HttpClient http = new HttpClient();
    private final WebSocketCoreClient ws;

    /** An open replay connection. */
    public interface Connection {
        CompletableFuture<Void> send(FrameType type, byte[] payload);

        /**
         * Sends a close frame (code null: an empty one); completes when it went out, and also when Jetty failed it as
         * closed after the peer's close came back (see {@code ReplayClient.closeWentThrough}).
         */
        CompletableFuture<Void> close(Integer code, String reason);

        /** Completes when both sides have closed, with the close the client saw. */
        CompletableFuture<CloseStatus> closed();
    }

    public ReplayClient() throws Exception {
        http.setUserAgentField(null);                           // the recorded User-Agent is sent instead
        http.setHttpCookieStore(new HttpCookieStore.Empty());   // recorded cookies go as headers, never stored
        ws = new WebSocketCoreClient(http, null);
        ws.start();
        http.getContentDecoderFactories().clear();
    }

    /**
     * @param headers the recorded request headers; those the client generates itself (key, version, extensions,
     *                subprotocols, host, connection) are left to it
     */
    public CompletableFuture<Connection> connect(URI target, List<Header> headers, List<String> subprotocols,
                                                 boolean offerDeflate, Duration timeout) {
        Handler handler = new Handler();
        CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(ws, target, handler);
        up.headers(h -> {
            for (Header x : headers) {
                if (HandshakeHeaders.forwardUpstream(x.name()) && !x.name().toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-")) {
                    h.add(x.name(), x.value());
                }
            }
        });
        if (!subprotocols.isEmpty()) {
            up.setSubProtocols(subprotocols);
        }
        if (offerDeflate) {
            up.addExtensions("permessage-deflate");
        }
        up.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return ws.connect(up).thenApply(session -> handler);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether a close frame whose own callback failed went through all the same. Jetty's client (with
     * permessage-deflate, about 1 close in 1 000) fails that callback with "Closed" when the peer's answering close
     * closes the connection before the callback runs, though the frame was written: the peer's close, received after
     * ours was sent, says the handshake completed. A connection that ended without it, or any other error, is a failure.
     */
    static boolean closeWentThrough(Throwable failure, boolean peerClosedAfterUs) {
        return peerClosedAfterUs && (failure instanceof ClosedChannelException || failure instanceof EOFException
                || "Closed".equals(failure.getMessage()));
    }

    @Override
    public void close() {
        try {
            ws.stop();
        } catch (Exception ignored) {
            // stopping a client that never connected
        }
    }

    /** Reads everything (demand after each frame) and answers nothing itself: the replayed frames are the answers. */
    private static final class Handler implements FrameHandler, Connection {
        private volatile CoreSession session;
        private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        private volatile boolean closing;           // close() was called
        private volatile boolean peerClosedAfterUs; // and the peer's close frame came after that

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() == OpCode.CLOSE && closing) {
                peerClosedAfterUs = true;
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
        public CompletableFuture<Void> send(FrameType type, byte[] payload) {
            byte opcode = switch (type) {
                case TEXT -> OpCode.TEXT;
                case BINARY -> OpCode.BINARY;
                case PING -> OpCode.PING;
                case PONG -> OpCode.PONG;
                case CLOSE -> OpCode.CLOSE;
            };
            CompletableFuture<Void> sent = new CompletableFuture<>();
            session.sendFrame(new Frame(opcode, ByteBuffer.wrap(payload)), Callback.from(() -> sent.complete(null), sent::completeExceptionally), false);
            return sent;
        }

        @Override
        public CompletableFuture<Void> close(Integer code, String reason) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Callback done = Callback.from(() -> sent.complete(null), x -> {
                if (closeWentThrough(x, peerClosedAfterUs)) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(x);
                }
            });
            closing = true;
            if (code == null) {
                session.close(done);
            } else {
                session.close(code, reason, done);
            }
            return sent;
        }

        @Override
        public CompletableFuture<CloseStatus> closed() {
            return closed;
        }
    }
}
