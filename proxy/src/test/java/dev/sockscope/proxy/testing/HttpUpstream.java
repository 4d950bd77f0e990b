package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An upstream on a plain socket that answers each request head with what its script says, and keeps the
 * connection open for more (HTTP keep-alive), as a server that refuses an upgrade with {@code Content-Length} may.
 * After a 101 it only reads, until the peer goes. It remembers every request head and the connection it came on.
 */
public final class HttpUpstream implements AutoCloseable {
    /** A request as received: the {@code connection}'s number (from 1) and its {@code nth} request on it. */
    public record Seen(int connection, int nth, String requestLine, List<String[]> headers) {
        public String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        public List<String> names() {
            return headers.stream().map(h -> h[0]).toList();
        }

        /** The request target exactly as sent ({@code /path?query}). */
        public String target() {
            return requestLine.split(" ")[1];
        }

        /** The 101 answer for this request's key. */
        public byte[] switching() {
            try {
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((header("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final ServerSocket server;
    private final Function<Seen, byte[]> script;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private HttpUpstream(Function<Seen, byte[]> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread acceptor = new Thread(this::acceptLoop, "http-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers each request with {@code script(request)}; a 101 (see {@link Seen#switching}) ends the HTTP part. */
    public static HttpUpstream start(Function<Seen, byte[]> script) throws IOException {
        return new HttpUpstream(script);
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort());
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int number = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, number), "http-upstream-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            InputStream in = socket.getInputStream();
            for (int nth = 1; ; nth++) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
                List<String[]> headers = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
                }
                Seen request = new Seen(connection, nth, lines[0], headers);
                seen.add(request);
                byte[] answer = script.apply(request);
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
                if (new String(answer, 0, Math.min(12, answer.length), StandardCharsets.US_ASCII).contains(" 101")) {
                    in.transferTo(OutputStream.nullOutputStream()); // the WebSocket part: read until the peer goes
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went; the test sees what was seen
        }
    }


    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
