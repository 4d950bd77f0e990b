package dev.sockscope.decode.stomp;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;

/**
 * STOMP 1.0, 1.1 and 1.2 over WebSocket: frames labelled by command and destination, JSON bodies decoded by
 * content-type, receipts paired with their RECEIPT, each subscription's MESSAGEs grouped under its SUBSCRIBE, CONNECT
 * paired with CONNECTED (or the ERROR that refuses it), newline heart-beats, the {@code passcode} masked in the stored
 * copy.
 */
public final class StompDecoder implements ProtocolDecoder {
    private static final byte[][] OPENINGS = {bytes("CONNECT\n"), bytes("CONNECT\r\n"), bytes("STOMP\n"), bytes("STOMP\r\n"),
            bytes("CONNECTED\n"), bytes("CONNECTED\r\n")};

    @Override
    public String name() {
        return "stomp";
    }

    @Override
    public String title() {
        return "STOMP 1.0–1.2 over WebSocket";
    }

    @Override
    public String source() {
        return "https://stomp.github.io/stomp-specification-1.2.html";
    }

    @Override
    public String detection() {
        return "subprotocol v10.stomp, v11.stomp, v12.stomp; content: a CONNECT, STOMP or CONNECTED frame";
    }

    @Override
    public List<String> subprotocols() {
        return List.of("v12.stomp", "v11.stomp", "v10.stomp");
    }

    /** A message (text or binary) that starts with a CONNECT, STOMP or CONNECTED command line: the first bytes only. */
    @Override
    public boolean recognises(FrameInput frame) {
        byte[] p = frame.payload();
        if (p.length < 7 || (p[0] != 'C' && p[0] != 'S')) {
            return false;
        }
        for (byte[] opening : OPENINGS) {
            if (p.length >= opening.length && java.util.Arrays.equals(p, 0, opening.length, opening, 0, opening.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new StompReader(context.masker());
    }

    /** A frame split over messages is rebuilt from the few before it. */
    @Override
    public int treeContext() {
        return 8;
    }

    /** What the broker makes up anew each run: ids, times, the session. */
    @Override
    public Scripting scripting() {
        return new Scripting() {
            @Override
            public List<FieldPattern> volatileFields() {
                return List.of(FieldPattern.parse("headers.message-id"), FieldPattern.parse("headers.ack"),
                        FieldPattern.parse("headers.timestamp"), FieldPattern.parse("headers.expires"), FieldPattern.parse("headers.session"),
                        FieldPattern.parse("headers.amqMessageId"));
            }

            @Override
            public List<FieldPattern> keyFields() {
                return List.of(FieldPattern.parse("headers.receipt"), FieldPattern.parse("headers.receipt-id"));
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
