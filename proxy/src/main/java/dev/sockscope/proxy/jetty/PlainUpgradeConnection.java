package dev.sockscope.proxy.jetty;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import dev.sockscope.proxy.tap.Describe;
import dev.sockscope.wire.Header;

/**
 * The upstream leg of a session until its handshake is answered: writes the upgrade request as prepared, reads the
 * answer with Jetty's {@link HttpParser}, and completes {@code outcome}: at a 101 with the raw endpoint (the bytes the
 * upstream sent behind its 101 go to the next connection through {@link #onUpgradeFrom}), otherwise with the refusal
 * and its body (up to {@code maxBody} bytes), or a failure.
 */
final class PlainUpgradeConnection extends AbstractConnection implements Connection.UpgradeFrom, HttpParser.ResponseHandler {
    /**
     * The first read's room: a 101 and its headers are a few hundred bytes, and the parser takes a longer head in pieces
     * (the buffer grows only for one that does not fit whole). 16 KiB a connection, zeroed for one answer, was 15 % of
     * what a proxy allocated per connection in bursts (issue 20), and its zeroing and first-touch page faults 7 % of
     * the relay threads' CPU.
     */
    private static final int READ_SIZE = 4 * 1024;
    private static final int MAX_HEAD = 1024 * 1024;

    private final ByteBuffer request;
    private final CompletableFuture<UpstreamDialler.Outcome> outcome;
    private final int maxBody;
    private final HttpParser parser = new HttpParser(this);
    private final List<Header> headers = new ArrayList<>();
    private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    private final AtomicBoolean done = new AtomicBoolean();
    private ByteBuffer input = BufferUtil.allocate(READ_SIZE);
    private int status;
    private String reason;
    private boolean upgraded;

    PlainUpgradeConnection(EndPoint endPoint, Executor executor, ByteBuffer request, int maxBody,
                           CompletableFuture<UpstreamDialler.Outcome> outcome) {
        super(endPoint, executor);
        this.request = request;
        this.maxBody = maxBody;
        this.outcome = outcome;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().write(Callback.from(this::fillInterested,
                x -> fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream unreachable: the upgrade request"
                        + " could not be sent: " + Describe.failure(x)))), request);
    }

    @Override
    public void onFillable() {
        try {
            while (!done.get()) {
                if (parse()) {
                    return;
                }
                if (BufferUtil.space(input) == 0 && input.position() == 0) {
                    if (input.capacity() >= MAX_HEAD) {
                        fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream's answer to the upgrade"
                                + " has over " + MAX_HEAD / 1024 + " KiB of headers"));
                        return;
                    }
                    input = grow(input);
                }
                int read = getEndPoint().fill(input);
                if (read < 0) {
                    parser.atEOF();
                    parser.parseNext(input); // even with nothing left: a body that ends with the connection ends here
                    if (done.get()) {
                        return;
                    }
                    fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream closed the connection before"
                            + " answering the upgrade"));
                    return;
                }
                if (read == 0) {
                    fillInterested();
                    return;
                }
            }
        } catch (Throwable x) {
            fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream unreachable: " + Describe.failure(x)));
        }
    }

    /** Parses what has been read; true once the answer is complete (the outcome is then set). */
    private boolean parse() {
        while (input.hasRemaining() && !done.get()) {
            int before = input.remaining();
            if (parser.parseNext(input) && upgraded) {
                complete(new UpstreamDialler.Outcome.Upgraded(status, List.copyOf(headers), getEndPoint()));
                return true;
            }
            if (done.get()) {
                return true;
            }
            if (parser.isState(HttpParser.State.END) || parser.isState(HttpParser.State.CLOSED) || input.remaining() == before) {
                break; // nothing more to parse until more is read
            }
        }
        return done.get();
    }

    private static ByteBuffer grow(ByteBuffer full) {
        ByteBuffer bigger = BufferUtil.allocate(full.capacity() * 2);
        BufferUtil.append(bigger, full);
        return bigger;
    }

    private void fail(UpstreamDialler.Outcome.Failed why) {
        if (done.compareAndSet(false, true)) {
            getEndPoint().close();
            outcome.complete(why);
        }
    }

    private void complete(UpstreamDialler.Outcome result) {
        if (done.compareAndSet(false, true)) {
            if (!(result instanceof UpstreamDialler.Outcome.Upgraded)) {
                getEndPoint().close(); // a refusal's connection carries nothing more: never reused
            }
            outcome.complete(result);
        }
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
        // What the upstream sent right behind its 101 (frames it did not wait to send): the next connection's first read.
        return input.hasRemaining() ? BufferUtil.copy(input) : null;
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (!done.get()) {
            fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream closed the connection before answering"
                    + " the upgrade" + (cause == null ? "" : ": " + Describe.failure(cause))));
        }
    }

    @Override
    public boolean onIdleExpired(java.util.concurrent.TimeoutException timeout) {
        return false; // the dial's own deadline ends it
    }

    // HttpParser.ResponseHandler

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        this.reason = reason;
        headers.clear();
    }

    @Override
    public void parsedHeader(HttpField field) {
        headers.add(new Header(field.getName(), field.getValue()));
    }

    @Override
    public boolean headerComplete() {
        if (status == HttpStatus.SWITCHING_PROTOCOLS_101) {
            upgraded = true;
            return true; // stop right behind the header: what follows is the WebSocket's
        }
        return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
        int room = maxBody - body.size();
        int n = Math.min(room, item.remaining());
        if (n > 0) {
            byte[] chunk = new byte[n];
            item.get(chunk);
            body.write(chunk, 0, n);
        }
        item.position(item.limit());
        if (body.size() >= maxBody) {
            refused(); // the refusal's body is kept up to the limit, as HttpClient's buffering listener kept it
            return true;
        }
        return false;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        if (status >= 100 && status < 200 && status != HttpStatus.SWITCHING_PROTOCOLS_101) {
            parser.reset(); // an interim answer (100 Continue): the real one follows
            return false;
        }
        refused();
        return true;
    }

    private void refused() {
        complete(new UpstreamDialler.Outcome.Refused(status, reason, List.copyOf(headers), body.toByteArray()));
    }

    @Override
    public void earlyEOF() {
        if (status > 0 && !upgraded) {
            refused(); // the body was cut short: what arrived is what the client gets
        } else {
            fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream closed the connection before answering"
                    + " the upgrade"));
        }
    }

    @Override
    public void badMessage(HttpException failure) {
        fail(new UpstreamDialler.Outcome.Failed(HttpStatus.BAD_GATEWAY_502, "upstream answered the upgrade with a malformed"
                + " HTTP response: " + failure.getReason()));
    }
}
