package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.wire.Direction;

/**
 * One leg of a pass-through session after the upgrade: reads what its peer sends and writes it, as read, to the
 * other leg, one write per read. It reads again only once that write is done and the capture bus has room, so
 * a slow peer or a slow recorder slows the sender through TCP (the model is Jetty's ConnectHandler tunnel).
 */
final class PumpConnection extends AbstractConnection implements Connection.UpgradeTo {
    static final int BUFFER_SIZE = 64 * 1024;

    private final Direction reads;
    private final PassThroughLink link;
    private final ByteBufferPool pool;
    private final Pump pump = new Pump();
    private ByteBuffer early;

    PumpConnection(EndPoint endPoint, Executor executor, ByteBufferPool pool, Direction reads, PassThroughLink link) {
        super(endPoint, executor);
        this.reads = reads;
        this.link = link;
        this.pool = pool;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        // Bytes the peer sent right behind its handshake: relayed first, like any read.
        if (buffer != null && buffer.hasRemaining()) {
            early = BufferUtil.copy(buffer);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        link.opened(this);
    }

    /** The session's other leg. */
    PumpConnection peer() {
        return link.other(this);
    }

    /** Both legs are open: start pumping. */
    void start() {
        pump.iterate();
    }

    @Override
    public void onFillable() {
        pump.iterate();
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        link.idle();
        return false; // the session closes itself, with a close handshake
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        link.closed(this);
    }

    private final class Pump extends IteratingCallback {
        private RetainableByteBuffer buffer;
        private boolean writing;
        /**
         * The last read from the socket left room in the buffer: the kernel had no more, so the next read would find
         * nothing. Waiting for the selector instead saves a read per message (half the reads of a chatty session),
         * as nginx does; the selector's level-triggered epoll still reports bytes that came in meanwhile.
         */
        private boolean drained;
        private final boolean plainSocket = getEndPoint() instanceof SocketChannelEndPoint;
        private PassThroughSession session() {
            return link.session();
        }

        @Override
        protected Action process() {
            PassThroughSession session = session();
            if (writing) {
                writing = false;
                session.written(reads, null);
            }
            while (true) {
                ByteBuffer data;
                if (early != null) {
                    data = early;
                    early = null;
                } else {
                    if (!session.mayRead(reads, this::iterate)) {
                        release();
                        return Action.IDLE;
                    }
                    if (drained) {
                        drained = false;
                        release();
                        fillInterested(this);
                        return Action.SCHEDULED;
                    }
                    if (buffer == null) {
                        buffer = pool.acquire(BUFFER_SIZE, true);
                    }
                    data = buffer.getByteBuffer();
                    BufferUtil.clear(data);
                    int filled;
                    try {
                        filled = getEndPoint().fill(data);
                    } catch (IOException x) {
                        release();
                        session.onFailure(reads, x);
                        return Action.SUCCEEDED;
                    }
                    if (filled == 0) {
                        release(); // an idle session holds no buffer
                        fillInterested(this);
                        return Action.SCHEDULED;
                    }
                    if (filled < 0) {
                        release();
                        session.onEof(reads);
                        return Action.SUCCEEDED;
                    }
                    // Only a plain socket: a TLS endpoint may hold decrypted bytes that no selector event announces.
                    drained = plainSocket && filled < data.capacity();
                }
                ByteBuffer[] out = session.onRead(reads, data);
                if (out.length > 0) {
                    writing = true;
                    link.other(PumpConnection.this).getEndPoint().write(this, out);
                    return Action.SCHEDULED;
                }
            }
        }

        private void release() {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            release();
            if (writing) {
                writing = false;
                session().written(reads, cause);
            } else {
                session().onFailure(reads, cause);
            }
        }

        @Override
        protected void onCompleteSuccess() {
            release();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
