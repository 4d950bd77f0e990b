package dev.sockscope.decode.socketio;

import java.nio.charset.StandardCharsets;

import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.Evidence;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.SessionInfo;

/**
 * Socket.IO v4 over Engine.IO v4's WebSocket transport: Engine.IO packets ({@code 0} open, {@code 2}/{@code 3}
 * ping/pong, {@code 4} message) carrying Socket.IO packets ({@code 42["chat",…]}), with binary attachments in frames of
 * their own. Labels are event names ({@code chat}), {@code CONNECT /admin}, {@code CONNECT_ERROR}, {@code DISCONNECT}
 * and the Engine.IO packet types; acks are paired with their event per namespace, from either peer, and take its label.
 */
public final class SocketIoDecoder implements ProtocolDecoder {
    /** The frames before an attachment its tree reads, to find its packet (attachments follow it at once, per direction). */
    static final int TREE_CONTEXT = 32;
    private static final byte[] OPEN = "0{\"sid\":".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "socket.io";
    }

    @Override
    public String title() {
        return "Socket.IO v4 over Engine.IO v4 (WebSocket transport)";
    }

    @Override
    public String source() {
        return "https://socket.io/docs/v4/socket-io-protocol/";
    }

    @Override
    public String detection() {
        return "path /socket.io/ with EIO=4; content (0{\"sid\":…, 42[…], 40/ns,…)";
    }

    /** socket.io-client connects to {@code /socket.io/?EIO=4&transport=websocket}: path and version together decide. */
    @Override
    public Evidence evidence(SessionInfo session) {
        String path = session.handshake().path();
        String query = session.handshake().query();
        boolean socketIoPath = path != null && (path.endsWith("/socket.io/") || path.endsWith("/socket.io"));
        boolean v4 = query != null && ("&" + query + "&").contains("&EIO=4&");
        if (socketIoPath && v4) {
            return Evidence.strong("path " + path + " with EIO=4");
        }
        if (socketIoPath) {
            return Evidence.weak("path " + path);
        }
        return v4 ? Evidence.weak("query EIO=4") : Evidence.NONE;
    }

    /**
     * Cheap and strict, first bytes first: the Engine.IO open packet ({@code 0{"sid":}), a probe ping, or a Socket.IO
     * packet with more than its type ({@code 42[…]}, {@code 40/admin,}, {@code 430[…]}) that parses whole. A bare
     * {@code 2} or {@code 40} is too like any text to claim a session by.
     */
    @Override
    public boolean recognises(FrameInput frame) {
        if (frame.type() != FrameType.TEXT) {
            return false;
        }
        byte[] p = frame.payload();
        if (p.length < 3) {
            return false;
        }
        if (p[0] == '0') {
            return startsWith(p, OPEN);
        }
        if ((p[0] == '2' || p[0] == '3') && p.length == 6) {
            return p[1] == 'p' && p[2] == 'r' && p[3] == 'o' && p[4] == 'b' && p[5] == 'e';
        }
        if (p[0] != '4' || p[1] < '0' || p[1] > '6') {
            return false;
        }
        byte next = p[2];
        boolean shaped = next == '[' || next == '{' || next == '/' || next >= '0' && next <= '9';
        return shaped && PacketParser.parse(frame.text().substring(1)) instanceof PacketParser.Ok;
    }

    private static boolean startsWith(byte[] p, byte[] prefix) {
        if (p.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (p[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new SocketIoReader(context);
    }

    @Override
    public int treeContext() {
        return TREE_CONTEXT;
    }

    @Override
    public Scripting scripting() {
        return new SocketIoScripting();
    }
}
