package dev.sockscope.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.jetty.websocket.core.OpCode;

/**
 * The client's side of one connection at a time: a blocking socket and a buffer of its own (the 101's head and two
 * short frames fit in it), reused from one connection to the next.
 */
final class BenchClientConnection {
    private final byte[] buf = new byte[8192];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int size;
    private int at;

    void open(InetSocketAddress to, byte[] upgrade) throws IOException {
        size = 0;
        at = 0;
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(ConnectBench.TIMEOUT_MS);
        socket.connect(to, ConnectBench.TIMEOUT_MS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        out.write(upgrade);
    }

    void send(byte[] frame) throws IOException {
        out.write(frame);
    }

    /** Reads the answer's head; returns it when it is a 101, and fails otherwise. */
    String awaitSwitch() throws IOException {
        int end;
        while ((end = endOfHead()) < 0) {
            fill();
        }
        at = end;
        if (!(size >= 12 && buf[9] == '1' && buf[10] == '0' && buf[11] == '1')) {
            throw new IOException("not a 101: " + new String(buf, 0, end, StandardCharsets.ISO_8859_1));
        }
        return new String(buf, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** Reads the echo, which must be the message as sent, unmasked. */
    void awaitEcho() throws IOException {
        int length = awaitFrame(OpCode.TEXT);
        if (!Arrays.equals(buf, at - length, at, ConnectBench.HELLO, 0, ConnectBench.HELLO.length)) {
            throw new IOException("the echo is not the message: " + new String(buf, at - length, length, StandardCharsets.UTF_8));
        }
    }

    /** Reads the close answer (1000), then the end of stream, and closes the socket. */
    void awaitCloseAndEnd() throws IOException {
        int length = awaitFrame(OpCode.CLOSE);
        int code = length >= 2 ? (buf[at - length] & 0xFF) << 8 | (buf[at - length + 1] & 0xFF) : -1;
        if (code != 1000) {
            throw new IOException("the close answer's code is " + code + ", not 1000");
        }
        if (at < size || in.read(buf) >= 0) {
            throw new IOException("bytes after the close answer");
        }
        socket.close();
    }

    /** Reads one short unmasked final frame with {@code opcode}; returns its payload's length, which ends at {@link #at}. */
    private int awaitFrame(byte opcode) throws IOException {
        while (size - at < 2) {
            fill();
        }
        int b0 = buf[at] & 0xFF;
        int b1 = buf[at + 1] & 0xFF;
        int length = b1 & 0x7F;
        if (b0 != (0x80 | opcode) || (b1 & 0x80) != 0 || length > 125) {
            throw new IOException("expected a short unmasked " + OpCode.name(opcode) + " frame, got the header "
                    + Integer.toHexString(b0) + " " + Integer.toHexString(b1));
        }
        while (size - at < 2 + length) {
            fill();
        }
        at += 2 + length;
        return length;
    }

    private int endOfHead() {
        for (int i = Math.max(at, 3); i < size; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private void fill() throws IOException {
        if (size == buf.length) {
            throw new IOException("more than " + buf.length + " bytes of answer");
        }
        int n = in.read(buf, size, buf.length - size);
        if (n < 0) {
            throw new IOException("end of stream after " + size + " bytes: "
                    + new String(buf, 0, size, StandardCharsets.ISO_8859_1));
        }
        size += n;
    }

    void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

/**
 * A WebSocket echo server on Jetty's core API on 127.0.0.1 port 0: each data frame sent back as framed, a close
 * answered by Jetty. Unlike the tests' {@code TestUpstream} it keeps nothing of what it sees (a benchmark makes
 * hundreds of thousands of connections).
 */
