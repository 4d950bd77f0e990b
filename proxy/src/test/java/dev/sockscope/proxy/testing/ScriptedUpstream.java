package dev.sockscope.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * A WebSocket "server" on a plain socket that answers any upgrade with 101 and then sends fixed bytes,
 * whatever they break (masked server frames, RSV bits, reserved opcodes), in one write. It then reads until
 * the client's close frame or end of stream, and closes the connection: what a broken server does.
 */
public final class ScriptedUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] afterHandshake;
    private final Thread acceptor;

    private ScriptedUpstream(byte[] afterHandshake) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.afterHandshake = afterHandshake;
        this.acceptor = new Thread(this::acceptLoop, "scripted-upstream");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public static ScriptedUpstream start(byte[] afterHandshake) throws IOException {
        return new ScriptedUpstream(afterHandshake);
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "scripted-upstream-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            String key = null;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(afterHandshake);
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
            // Until the client's close frame (or its end of stream), then close.
            byte[] buf = new byte[8192];
            byte[] got = new byte[0];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                got = Arrays.copyOf(got, got.length + n);
                System.arraycopy(buf, 0, got, got.length - n, n);
                if (WireFrames.parse(got).stream().anyMatch(f -> f.opcode() == 0x8)) {
                    return;
                }
            }
        } catch (Exception e) {
            // the test sees what the client got
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
