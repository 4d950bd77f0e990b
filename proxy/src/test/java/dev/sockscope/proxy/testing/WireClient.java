package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A WebSocket client on a plain socket that writes whatever bytes it is given (masked or not, any RSV bits
 * and opcodes, in as many writes as asked) and keeps every byte the server sends after its 101, until the
 * server ends the connection or a deadline passes. Like a real client, it answers the server's close frame
 * with a close frame of the same code, unless it already sent one.
 */
public final class WireClient implements AutoCloseable {
    /** How the server's side of the TCP connection ended, as the client saw it. */
    public enum End {
        /** Read returned end of stream (FIN). */
        EOF,
        /** The connection was reset (RST). */
        RESET,
        /** Still open when the deadline passed. */
        OPEN
    }

    /** The answer to the upgrade request: status line and headers as sent. */
    public record Response(String statusLine, List<String[]> headers) {
        public int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        public String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }
    }

    /** Everything the server sent after its 101, and how it ended. */
    public record Received(byte[] bytes, End end) {
        public List<WireFrames.Frame> frames() {
            return WireFrames.parse(bytes);
        }
    }

    private static final byte[] CLOSE_ANSWER_MASK = {0x5A, 0x1B, (byte) 0xC3, 0x07};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Response response;
    private final Thread reader;
    private final Object lock = new Object();
    private byte[] received = new byte[64 * 1024];
    private int size;
    private volatile End end;
    private volatile boolean closeSent;
    private volatile IOException writeFailure;

    private WireClient(Socket socket, byte[] leftover, Response response) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.response = response;
        append(leftover, leftover.length);
        this.reader = new Thread(this::readUntilEnd, "wire-client-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Connects and sends an upgrade request with {@code key} and, when not null, {@code extensions} as the
     * {@code Sec-WebSocket-Extensions} offer. After a 101 the client keeps reading in the background.
     */
    public static WireClient connect(String host, int port, String path, String key, String extensions) throws IOException {
        return connect(host, port, path, key, extensions, new byte[0]);
    }

    /**
     * As {@link #connect(String, int, String, String, String)}, with {@code early} written in the same write as
     * the upgrade request, before any answer (a client that does not wait for its 101).
     */
    public static WireClient connect(String host, int port, String path, String key, String extensions, byte[] early)
            throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(100);
        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (extensions != null) {
            req.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        req.append("\r\n");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(req.toString().getBytes(StandardCharsets.US_ASCII));
        first.writeBytes(early);
        socket.getOutputStream().write(first.toByteArray());
        socket.getOutputStream().flush();

        // Read the response head; whatever follows it is the start of the WebSocket stream.
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int endOfHead = -1;
        while (endOfHead < 0) {
            if (System.nanoTime() > deadline) {
                socket.close();
                throw new IOException("no complete upgrade response within 10 s: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            int n;
            try {
                n = socket.getInputStream().read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                socket.close();
                throw new IOException("connection closed before the upgrade response: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(buf, 0, n);
            endOfHead = indexOf(head.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = head.toByteArray();
        String[] lines = new String(all, 0, endOfHead, StandardCharsets.ISO_8859_1).split("\r\n");
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
        Response response = new Response(lines[0], headers);
        WireClient client = new WireClient(socket, Arrays.copyOfRange(all, endOfHead + 4, all.length), response);
        client.closeSent = containsClose(early);
        if (response.status() == 101) {
            client.reader.start();
        }
        return client;
    }

    public Response response() {
        return response;
    }

    /**
     * Writes each chunk with its own write and flush, in order; stops at the first failure (see
     * {@link #writeFailure()}). When the chunks hold a close frame, the server's close is not answered
     * (whichever comes first on the wire), so that what the client sends never depends on timing.
     */
    public void write(List<byte[]> chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(all::writeBytes);
        if (containsClose(all.toByteArray())) {
            closeSent = true;
        }
        for (byte[] chunk : chunks) {
            if (!writeNow(chunk)) {
                return;
            }
        }
    }

    public void write(byte[] bytes) {
        write(List.of(bytes));
    }

    /** The first write that failed (the server had gone), or null. */
    public IOException writeFailure() {
        return writeFailure;
    }

    /** Waits until the server ends the connection or {@code deadline} passes; returns what it sent. */
    public Received awaitEnd(Duration deadline) throws InterruptedException {
        reader.join(deadline.toMillis());
        if (reader.isAlive()) {
            end = End.OPEN;
            close();
            reader.join(5_000);
            end = End.OPEN;
        }
        synchronized (lock) {
            return new Received(Arrays.copyOf(received, size), end);
        }
    }

    private synchronized boolean writeNow(byte[] bytes) {
        if (writeFailure != null) {
            return false;
        }
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            writeFailure = e;
            return false;
        }
    }

    private static boolean containsClose(byte[] bytes) {
        for (WireFrames.Frame f : WireFrames.parse(bytes)) {
            if (f.opcode() == 0x8) {
                return true;
            }
        }
        return false;
    }

    private void readUntilEnd() {
        byte[] buf = new byte[64 * 1024];
        int parsedTo = 0;
        boolean answered = false;
        try {
            boolean first = true; // what came with the 101 is looked at before reading more
            while (true) {
                if (!first) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (SocketTimeoutException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                        continue;
                    }
                    if (n < 0) {
                        end = End.EOF;
                        return;
                    }
                    append(buf, n);
                }
                first = false;
                if (!answered) {
                    // Only this thread appends: the bytes up to size stay as they are while parsed.
                    WireFrames.Parsed parsed = WireFrames.parse(received, parsedTo, size);
                    parsedTo = parsed.end();
                    for (WireFrames.Frame f : parsed.frames()) {
                        if (f.opcode() == 0x8 && !answered) {
                            answered = true;
                            if (!closeSent) {
                                byte[] code = f.payload().length >= 2 ? Arrays.copyOf(f.payload(), 2) : new byte[0];
                                writeNow(WireFrames.frame(true, 0, 0x8, code, CLOSE_ANSWER_MASK));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            if (socket.isClosed()) {
                return; // closed by awaitEnd at the deadline
            }
            end = End.RESET; // "Connection reset": the only way a read fails on an open plain socket
        }
    }

    private void append(byte[] b, int n) {
        synchronized (lock) {
            if (size + n > received.length) {
                received = Arrays.copyOf(received, Math.max(size + n, received.length * 2));
            }
            System.arraycopy(b, 0, received, size, n);
            size += n;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
