package dev.sockscope.decode.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * STOMP frames as the 1.0–1.2 specifications lay them out and as brokers really send them: several to a message, a
 * newline after the NUL, CRLF line ends, escaped headers, bodies with content-length, frames split over messages,
 * heart-beats; receipts, subscriptions and the CONNECT paired; the passcode masked in the stored copy.
 */
class StompDecoderTest {
    static final String PASSCODE = "s3cr3t-passcode";
    static final String CONNECT = "CONNECT\nlogin:bot\npasscode:" + PASSCODE + "\naccept-version:1.2\nhost:broker\n\n\0";

    @Test
    void theConnectIsPairedWithConnectedAndThePasscodeIsMaskedInTheStoredCopyWhichStillParses() {
        StompWire wire = new StompWire("v12.stomp");
        FrameDecoding connect = wire.client(CONNECT);
        assertThat(connect.label()).isEqualTo("CONNECT");
        assertThat(connect.kind()).isEqualTo(Kind.REQUEST);
        assertThat(connect.summary()).contains("login bot", "passcode s3c…[hmac:").doesNotContain(PASSCODE);
        assertThat(wire.stored(0)).doesNotContain(PASSCODE).startsWith("CONNECT\nlogin:bot\npasscode:s3c…[hmac:").endsWith("\nhost:broker\n\n\0");
        assertThat(wire.storedTree(0).get("headers").get("passcode").asText()).startsWith("s3c…[hmac:");
        assertThat(wire.storedTree(0).get("headers").get("login").asText()).isEqualTo("bot");
        FrameDecoding connected = wire.server("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0\n");
        assertThat(connected.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(connected.correlatesWith()).isEqualTo(1L);
        assertThat(connected.latencyMicros()).isEqualTo(1000L);
    }

    @Test
    void aPasscodeInABinaryFrameIsMaskedKeepingTheLength() {
        StompWire wire = new StompWire("v12.stomp");
        wire.frame(Direction.CLIENT_TO_SERVER, FrameType.BINARY, CONNECT.getBytes(StandardCharsets.UTF_8));
        assertThat(wire.stored.get(0)).hasSize(CONNECT.length());
        assertThat(wire.stored(0)).doesNotContain(PASSCODE);
        assertThat(wire.storedTree(0).get("headers").get("passcode").asText()).contains("[hmac:");
    }

    @Test
    void anErrorRefusingTheConnectAnswersItAsAnError() {
        StompWire wire = new StompWire("v12.stomp");
        wire.client(CONNECT);
        FrameDecoding error = wire.server("ERROR\nmessage:bad passcode\ncontent-type:text/plain\n\nwho are you?\0");
        assertThat(error.label()).isEqualTo("ERROR");
        assertThat(error.kind()).isEqualTo(Kind.ERROR);
        assertThat(error.summary()).isEqualTo("“bad passcode” · “who are you?”");
        assertThat(error.correlatesWith()).isEqualTo(1L);
    }

    @Test
    void receiptsSubscriptionsAndAcksArePairedAndLabelledWithTheirDestination() {
        StompWire wire = new StompWire("v12.stomp");
        wire.client(CONNECT);
        wire.server("CONNECTED\nversion:1.2\n\n\0");
        FrameDecoding subscribe = wire.client("SUBSCRIBE\nid:sub-0\ndestination:/queue/orders\nack:client\n\n\0");
        assertThat(subscribe.label()).isEqualTo("SUBSCRIBE /queue/orders");
        FrameDecoding send = wire.client("SEND\ndestination:/queue/orders\ncontent-type:application/json\nreceipt:r-1\n\n{\"order\":42}\0");
        assertThat(send.label()).isEqualTo("SEND /queue/orders");
        assertThat(send.kind()).isEqualTo(Kind.REQUEST);
        assertThat(wire.storedTree(3).get("body").get("order").asInt()).isEqualTo(42);
        // A RECEIPT and two MESSAGEs in one binary message, each frame followed by a newline.
        FrameDecoding three = wire.server("RECEIPT\nreceipt-id:r-1\n\n\0\nMESSAGE\nsubscription:sub-0\nmessage-id:m1\nack:a1\n"
                + "destination:/queue/orders\ncontent-type:application/json\n\n{\"order\":42}\0\n"
                + "MESSAGE\nsubscription:sub-0\nmessage-id:m2\nack:a2\ndestination:/queue/orders\n\nplain\0\n");
        assertThat(three.label()).isEqualTo("RECEIPT /queue/orders + MESSAGE /queue/orders + MESSAGE /queue/orders");
        assertThat(three.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(three.correlatesWith()).isEqualTo(4L);
        assertThat(wire.storedTree(4).get("frames")).hasSize(3);
        FrameDecoding message = wire.server("MESSAGE\nsubscription:sub-0\nmessage-id:m3\nack:a3\ndestination:/queue/orders\n\nthird\0");
        assertThat(message.kind()).isEqualTo(Kind.EVENT);
        assertThat(message.correlatesWith()).as("grouped under its SUBSCRIBE").isEqualTo(3L);
        FrameDecoding ack = wire.client("ACK\nid:a3\n\n\0");
        assertThat(ack.label()).isEqualTo("ACK /queue/orders");
        assertThat(ack.correlatesWith()).isEqualTo(6L);
        FrameDecoding unsubscribe = wire.client("UNSUBSCRIBE\nid:sub-0\nreceipt:r-2\n\n\0");
        assertThat(unsubscribe.label()).isEqualTo("UNSUBSCRIBE /queue/orders");
        assertThat(unsubscribe.correlatesWith()).isEqualTo(3L);
        FrameDecoding receipt = wire.server("RECEIPT\nreceipt-id:r-2\n\n\0");
        assertThat(receipt.label()).isEqualTo("RECEIPT UNSUBSCRIBE");
        assertThat(receipt.correlatesWith()).isEqualTo(8L);
        assertThat(wire.decodings).allSatisfy(d -> assertThat(d.warnings()).isEmpty());
    }

    @Test
    void heartBeatsCrlfEscapesAndContentLengthBodiesWithNuls() {
        StompWire wire = new StompWire("v12.stomp");
        assertThat(wire.client("\n").kind()).isEqualTo(Kind.HEARTBEAT);
        assertThat(wire.server("\r\n").label()).isEqualTo("heart-beat");
        FrameDecoding crlf = wire.client("SEND\r\ndestination:/topic/a\\cb\r\nx-note:line\\none\r\ncontent-length:3\r\n\r\na\0b\0");
        assertThat(crlf.label()).as("\\c unescaped").isEqualTo("SEND /topic/a:b");
        assertThat(wire.storedTree(2).get("headers").get("x-note").asText()).isEqualTo("line\none");
        assertThat(wire.storedTree(2).get("bodyEncoding").asText()).isEqualTo("hex");
    }

    @Test
    void aFrameSplitOverMessagesIsReassembledAndAPasscodeSplitIsMaskedInBoth() {
        StompWire wire = new StompWire("v12.stomp");
        int cut = CONNECT.indexOf(PASSCODE) + 6;
        FrameDecoding part = wire.client(CONNECT.substring(0, cut));
        assertThat(part.label()).isEqualTo("CONNECT (part)");
        FrameDecoding rest = wire.client(CONNECT.substring(cut));
        assertThat(rest.label()).isEqualTo("CONNECT");
        assertThat(wire.stored(0) + wire.stored(1)).doesNotContain("s3cr3t").doesNotContain("passcode:s3cr3t").doesNotContain("-passcode\n");
        assertThat(wire.storedTree(1).get("headers").get("login").asText()).isEqualTo("bot");
    }

    @Test
    void contentRecognitionAndInvalidJson() {
        StompWire wire = new StompWire(null);
        wire.client("STOMP\naccept-version:1.0\nhost:h\n\n\0");
        assertThat(wire.chosen.protocol()).isEqualTo("stomp");
        FrameDecoding bad = wire.client("SEND\ndestination:/q\ncontent-type:application/json\n\n{not json\0");
        assertThat(bad.warnings()).extracting(Warning::code).containsExactly(Warning.Code.INVALID_JSON);
        StompDecoder decoder = new StompDecoder();
        assertThat(decoder.recognises(input("CONNECTED\nversion:1.1\n\n\0"))).isTrue();
        assertThat(decoder.recognises(input("{\"type\":\"CONNECT\"}"))).isFalse();
        assertThat(decoder.recognises(input("CONNECTION\n"))).isFalse();
    }

    @Test
    void garbageIsSaidNeverThrown() {
        StompWire wire = new StompWire("v12.stomp");
        FrameDecoding garbage = wire.client("hello there\n\n\0");
        assertThat(garbage.label()).isEqualTo("not STOMP");
        assertThat(garbage.warnings()).singleElement().satisfies(w -> assertThat(w.text()).contains("“hello there” is not a STOMP command"));
        assertThat(wire.client("SEND\ndestination:/q\nbroken header\n\n\0").warnings()).singleElement()
                .satisfies(w -> assertThat(w.text()).contains("header line with no colon"));
        assertThat(wire.client("SEND\ndestination:/q\ncontent-length:99\n\nshort\0").label()).isEqualTo("SEND (part)");

        FrameReader reader = new StompDecoder().open(new DecoderContext(wire.session, StompWire.MASKER));
        Random random = new Random(12);
        String alphabet = "SENDCONTECTMSAG:\n\r\0\\ abc-length:0123456789";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(60);
            for (int k = 0; k < n; k++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = (random.nextBoolean() ? "SEND\n" : "") + s;
            Direction from = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            DecodeResult r = reader.read(FrameInput.of(new RecordedFrame(1, i + 1, i, from, FrameType.TEXT,
                    text.getBytes(StandardCharsets.UTF_8), 1, null)));
            if (r instanceof DecodeResult.Decoded d) {
                assertThat(d.buildTree()).isNotNull();
            }
        }
    }

    @Test
    void stompOneZeroAcksByMessageIdAndKeepsBackslashesInHeaders() {
        StompWire wire = new StompWire("v10.stomp");
        wire.client("CONNECT\nlogin:bot\npasscode:" + PASSCODE + "\n\n\0");
        wire.server("CONNECTED\nsession:1\n\n\0");
        wire.client("SUBSCRIBE\ndestination:/queue/a\\b\nack:client\n\n\0");
        FrameDecoding message = wire.server("MESSAGE\ndestination:/queue/a\nmessage-id:m-7\n\nbody\0");
        assertThat(message.label()).isEqualTo("MESSAGE /queue/a");
        FrameDecoding ack = wire.client("ACK\nmessage-id:m-7\n\n\0");
        assertThat(ack.label()).isEqualTo("ACK /queue/a");
        assertThat(ack.correlatesWith()).isEqualTo(4L);
        assertThat(wire.decodings.get(2).label()).isEqualTo("SUBSCRIBE /queue/a\\b");
    }

    @Test
    void credentialsInAJsonBodyAreMaskedInWhatIsShownAndInTheStoredCopyWhereItsLengthMayChange() {
        StompWire wire = new StompWire("v12.stomp");
        String body = "{\"user\":\"bob\",\"password\":\"hunter2-secret\"}";
        FrameDecoding noLength = wire.client("SEND\ndestination:/queue/login\ncontent-type:application/json\n\n" + body + "\0");
        assertThat(noLength.summary()).contains("\"user\":\"bob\"").doesNotContain("hunter2-secret");
        assertThat(wire.stored(0)).doesNotContain("hunter2-secret").contains("\"user\":\"bob\"").endsWith("}\0");
        assertThat(wire.storedTree(0).get("body").get("password").asText()).contains("[hmac:");
        String withLength = "SEND\ndestination:/queue/login\ncontent-type:application/json\ncontent-length:" + body.length() + "\n\n" + body + "\0";
        wire.frame(Direction.CLIENT_TO_SERVER, FrameType.BINARY, withLength.getBytes(StandardCharsets.UTF_8));
        assertThat(wire.stored.get(1)).as("binary: the length kept, content-length still true").hasSize(withLength.length());
        assertThat(wire.stored(1)).doesNotContain("hunter2-secret");
        assertThat(wire.storedTree(1).get("body").get("user").asText()).isEqualTo("bob");
        FrameDecoding text = wire.client(withLength);
        assertThat(text.summary()).doesNotContain("hunter2-secret");
        assertThat(wire.stored(2)).as("a text frame's content-length must stay true: kept as sent").isEqualTo(withLength);
    }

    private static FrameInput input(String text) {
        return FrameInput.of(new RecordedFrame(1, 1, 0, Direction.CLIENT_TO_SERVER, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null));
    }
}
