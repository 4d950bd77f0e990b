package dev.sockscope.decode.signalr;

import java.util.Locale;

import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.Evidence;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.SessionInfo;

/**
 * ASP.NET Core SignalR's JSON hub protocol: JSON records each ended by 0x1E, several to a frame; a handshake
 * ({@code {"protocol":"json","version":1}} answered by {@code {}}), invocations labelled with their target and
 * answered by a Completion (or StreamItems then a Completion) with the same invocationId, pings, close.
 */
public final class SignalRDecoder implements ProtocolDecoder {

    @Override
    public String name() {
        return "signalr";
    }

    @Override
    public String title() {
        return "ASP.NET Core SignalR, JSON hub protocol";
    }

    @Override
    public String source() {
        return "https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/HubProtocol.md";
    }

    @Override
    public String detection() {
        return "content ({\"protocol\":\"json\",…}␞ and records ended by 0x1E); a path with hub in it or query id= rank it first";
    }

    /** Hubs are usually mapped at a path with "hub" in it ({@code /chathub}, {@code /hubs/chat}), and the client adds the negotiated {@code id=}: neither decides alone. */
    @Override
    public Evidence evidence(SessionInfo session) {
        String path = session.handshake().path();
        String query = session.handshake().query();
        Evidence e = Evidence.NONE;
        if (path != null && path.toLowerCase(Locale.ROOT).contains("hub")) {
            e = e.and(Evidence.weak("path " + path));
        }
        if (query != null && ("&" + query).contains("&id=")) {
            e = e.and(Evidence.weak("query id="));
        }
        return e;
    }

    /** First and last bytes first: a JSON object ended by the record separator, the handshake or a typed message. */
    @Override
    public boolean recognises(FrameInput frame) {
        if (frame.type() != FrameType.TEXT) {
            return false;
        }
        byte[] p = frame.payload();
        if (p.length < 3 || p[0] != '{' || p[p.length - 1] != HubRecords.SEPARATOR || p[p.length - 2] != '}') {
            return false;
        }
        String text = frame.text();
        return text.startsWith("{\"protocol\":") || text.contains("\"type\":");
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new SignalRReader();
    }

    @Override
    public Scripting scripting() {
        return new SignalRScripting();
    }
}
