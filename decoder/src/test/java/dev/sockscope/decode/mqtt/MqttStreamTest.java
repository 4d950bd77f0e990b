package dev.sockscope.decode.mqtt;

import static dev.sockscope.decode.mqtt.MqttWire.split;
import static dev.sockscope.decode.mqtt.Packets.concat;
import static dev.sockscope.decode.mqtt.Packets.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * MQTT 3.1.1 as a byte stream over WebSocket messages: packets split anyhow and joined several to a message, the
 * password masked in whichever messages hold it, garbage skipped with a warning and reading resumed, trees of stored
 * frames rebuilt from a window that may begin inside a packet, and no input that makes the decoder throw.
 */
class MqttStreamTest {
    static final String PASSWORD = "s3cr3t-mqtt-password";

    static byte[] connect(String password) {
        return packet(0x10).utf8("MQTT").u8(4).u8(0xC2).u16(60).utf8("bot-4").utf8("bot").utf8(password).bytes();
    }

    static final byte[] CONNACK = {0x20, 2, 0, 0};

    private final MqttWire wire = new MqttWire();

    @Test
    void aConnectSentFieldByFieldIsPartsUntilItsLastByteAndThePasswordAloneIsMaskedKeepingItsLength() {
        byte[] connect = connect(PASSWORD);
        // As mqtt.js writes it: header, length, protocol name length, name, level, flags, keep-alive, then each field.
        byte[][] messages = split(connect, 1, 1, 2, 4, 1, 1, 2, 2, 5, 2, 3, 2);
        assertThat(messages.length).isEqualTo(13);
        for (int i = 0; i < 12; i++) {
            FrameDecoding part = wire.client(messages[i]);
            assertThat(part.label()).isEqualTo("CONNECT (part)");
            assertThat(part.kind()).isEqualTo(Kind.UNKNOWN);
        }
        assertThat(wire.decodings.get(1).summary()).isEqualTo("CONNECT (part): 2 of 46 bytes so far");
        FrameDecoding whole = wire.client(messages[12]);
        assertThat(whole.label()).isEqualTo("CONNECT");
        assertThat(whole.kind()).isEqualTo(Kind.REQUEST);
        assertThat(wire.stored.get(12)).hasSize(PASSWORD.length()).asString(StandardCharsets.ISO_8859_1).contains("[hmac:");
        assertThat(wire.storedBytes()).doesNotContain(PASSWORD);
        assertThat(wire.storedTree().get("username").asText()).isEqualTo("bot");
        assertThat(wire.storedTree().get("password").asText()).as("read back from the stored mask").startsWith("**").contains("[hmac:");

        wire.server(split(CONNACK, 1, 1, 1));
        assertThat(wire.decodings.get(16).label()).isEqualTo("CONNACK");
        assertThat(wire.decodings.get(16).correlatesWith()).isEqualTo(13L);
    }

    @Test
    void aPasswordSplitAcrossMessagesIsMaskedInEach() {
        byte[] connect = connect(PASSWORD);
        int passwordStart = connect.length - PASSWORD.length();
        wire.client(split(connect, passwordStart + 6));
        assertThat(wire.decodings.get(0).label()).isEqualTo("CONNECT (part)");
        assertThat(wire.stored.get(0)).hasSize(passwordStart + 6);
        assertThat(new String(wire.stored.get(0), StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t").endsWith("******");
        assertThat(wire.storedBytes()).doesNotContain(PASSWORD).doesNotContain("mqtt-password");
        assertThat(wire.decodings.get(1).label()).isEqualTo("CONNECT");
    }

    @Test
    void severalPacketsInOneMessageAreEachDecodedAndPaired() {
        wire.client(connect(PASSWORD));
        wire.server(CONNACK);
        byte[] q1 = packet(0x32).utf8("chat/room1").u16(1).raw("{\"n\":1}").bytes();
        byte[] q2 = packet(0x34).utf8("chat/room2").u16(2).raw("two").bytes();
        FrameDecoding both = wire.client(concat(q1, q2, new byte[] {(byte) 0xC0, 0}));
        assertThat(both.label()).isEqualTo("PUBLISH chat/room1 + PUBLISH chat/room2 + PINGREQ");
        assertThat(both.kind()).isEqualTo(Kind.REQUEST);
        assertThat(wire.storedTree().get("packets")).hasSize(3);
        // PUBACK for 1, PUBREC for 2 and the start of a PINGRESP in one message; the PINGRESP ends in the next.
        FrameDecoding acks = wire.server(concat(new byte[] {0x40, 2, 0, 1, 0x50, 2, 0, 2, (byte) 0xD0}));
        assertThat(acks.label()).isEqualTo("PUBACK chat/room1 + PUBREC chat/room2 + PINGRESP (part)");
        assertThat(acks.correlatesWith()).as("the first answer's request").isEqualTo(3L);
        assertThat(wire.server(new byte[] {0}).label()).isEqualTo("PINGRESP");
        assertThat(wire.decodings.get(4).kind()).isEqualTo(Kind.HEARTBEAT);
        assertThat(wire.decodings.get(4).correlatesWith()).isEqualTo(3L);
        FrameDecoding pubrel = wire.client(new byte[] {0x62, 2, 0, 2});
        assertThat(pubrel.label()).isEqualTo("PUBREL chat/room2");
        assertThat(pubrel.correlatesWith()).isEqualTo(4L);
    }

    @Test
    void garbageIsSkippedWithAWarningAndReadingResumesAtTheNextPacket() {
        wire.client(connect(PASSWORD));
        wire.server(CONNACK);
        FrameDecoding garbage = wire.client(new byte[] {0x00, 0x04, 'M', 'Q'});
        assertThat(garbage.label()).isEqualTo("not MQTT");
        assertThat(garbage.warnings()).singleElement().satisfies(w -> {
            assertThat(w.code()).isEqualTo(Warning.Code.MALFORMED);
            assertThat(w.text()).contains("cannot start an MQTT packet (packet type 0 is reserved)", "reading resumes");
        });
        FrameDecoding next = wire.client(packet(0x30).utf8("chat/x").raw("back").bytes());
        assertThat(next.label()).isEqualTo("PUBLISH chat/x");
        assertThat(next.warnings()).isEmpty();

        FrameDecoding wrongWay = wire.client(new byte[] {0x20, 2, 0, 0});
        assertThat(wrongWay.warnings()).singleElement().satisfies(w -> assertThat(w.text()).contains("CONNACK from the client"));
        assertThat(wire.client(new byte[] {(byte) 0xC0, 0}).label()).isEqualTo("PINGREQ");
    }

    @Test
    void aTextMessageIsNotMqtt() {
        wire.client(connect(PASSWORD));
        FrameDecoding text = wire.frame(Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(text.warnings()).extracting(Warning::code).contains(Warning.Code.NOT_THIS_PROTOCOL);
    }

    @Test
    void aPacketTooLargeToReassembleIsPassedOverNotBuffered() {
        FrameReader reader = new MqttDecoder().open(new dev.sockscope.decode.DecoderContext(MqttWire.SESSION, MqttWire.MASKER));
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        head.write(0x30);
        Packets.varint(head, PacketStream.MAX_PACKET + 1);
        head.writeBytes(new byte[] {0, 1, 'x'});
        int total = 1 + 4 + PacketStream.MAX_PACKET + 1;
        assertThat(label(reader, head.toByteArray())).isEqualTo("PUBLISH (part)");
        int sent = head.size();
        byte[] chunk = new byte[1 << 20];
        while (total - sent > chunk.length) {
            assertThat(label(reader, chunk)).isEqualTo("PUBLISH (part)");
            sent += chunk.length;
        }
        DecodeResult last = reader.read(binary(Direction.CLIENT_TO_SERVER, concat(new byte[total - sent], new byte[] {(byte) 0xC0, 0})));
        assertThat(last).isInstanceOfSatisfying(DecodeResult.Decoded.class, d -> {
            assertThat(d.label()).isEqualTo("PUBLISH (too large) + PINGREQ");
            assertThat(d.warnings()).singleElement().satisfies(w -> assertThat(w.code()).isEqualTo(Warning.Code.NOT_DECODED));
        });
    }

    private static String label(FrameReader reader, byte[] payload) {
        return ((DecodeResult.Decoded) reader.read(binary(Direction.CLIENT_TO_SERVER, payload))).label();
    }

    private static FrameInput binary(Direction from, byte[] payload) {
        return FrameInput.of(new RecordedFrame(1, 2, 0, from, FrameType.BINARY, payload, 1, null));
    }

    @Test
    void theTreeOfAStoredFrameIsRebuiltFromAWindowThatBeginsInsideAPacket() {
        wire.client(connect(PASSWORD));
        wire.server(CONNACK);
        byte[] publish = packet(0x32).utf8("chat/room1").u16(7).raw("{\"text\":\"hello\"}").bytes();
        for (int i = 0; i < MqttDecoder.TREE_CONTEXT; i++) {
            // Every message a field, as mqtt.js sends them: a window of stored frames begins anywhere in a packet.
            wire.client(split(publish, 1, 1, 2, 10, 2));
            wire.server(split(new byte[] {0x40, 2, 0, 7}, 1, 1));
        }
        int last = wire.frames.size() - 1;
        JsonNode puback = wire.storedTree(last);
        assertThat(puback.get("type").asText()).isEqualTo("PUBACK");
        assertThat(puback.get("packetId").asInt()).isEqualTo(7);
        JsonNode publishTree = wire.storedTree(last - 3);
        assertThat(publishTree.get("topic").asText()).isEqualTo("chat/room1");
        assertThat(publishTree.get("payload").get("text").asText()).isEqualTo("hello");
        for (int i = last - 12; i <= last; i++) {
            assertThat(wire.storedTree(i).toString()).as("frame %d", i + 1).doesNotContain("malformed");
        }
    }

    @Test
    void noInputMakesTheReaderThrow() {
        Random random = new Random(16);
        FrameReader reader = new MqttDecoder().open(new dev.sockscope.decode.DecoderContext(MqttWire.SESSION, MqttWire.MASKER));
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(i % 100 == 0 ? 4096 : 12)];
            random.nextBytes(payload);
            if (random.nextInt(4) == 0 && payload.length > 0) {
                payload[0] = (byte) (random.nextInt(15) + 1 << 4); // a plausible header, now and then
            }
            Direction from = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            DecodeResult r = reader.read(FrameInput.of(new RecordedFrame(1, i + 1, i, from, FrameType.BINARY, payload, 1, null)));
            assertThat(r).isNotNull();
            if (r instanceof DecodeResult.Decoded d && d.tree() != null) {
                assertThat(d.buildTree()).isNotNull();
            }
        }
    }

    @Test
    void recognisesAWholeConnectOnlyAndLooksAtTheFirstBytes() {
        MqttDecoder decoder = new MqttDecoder();
        assertThat(decoder.recognises(input(Direction.CLIENT_TO_SERVER, FrameType.BINARY, connect(PASSWORD)))).isTrue();
        byte[] v31 = packet(0x10).utf8("MQIsdp").u8(3).u8(2).u16(60).utf8("old").bytes();
        assertThat(decoder.recognises(input(Direction.CLIENT_TO_SERVER, FrameType.BINARY, v31))).isTrue();
        assertThat(decoder.recognises(input(Direction.SERVER_TO_CLIENT, FrameType.BINARY, connect(PASSWORD)))).isFalse();
        assertThat(decoder.recognises(input(Direction.CLIENT_TO_SERVER, FrameType.BINARY, new byte[] {0x10}))).isFalse();
        assertThat(decoder.recognises(input(Direction.CLIENT_TO_SERVER, FrameType.TEXT, "{\"id\":1}".getBytes(StandardCharsets.UTF_8)))).isFalse();
        byte[] noise = new byte[1024];
        new Random(1).nextBytes(noise);
        noise[0] = 0x10;
        assertThat(decoder.recognises(input(Direction.CLIENT_TO_SERVER, FrameType.BINARY, noise))).isFalse();
        assertThat(decoder.subprotocols()).containsExactly("mqtt", "mqttv3.1");
    }

    @Test
    void aMalformedPacketKeepsTheStreamInStep() {
        wire.client(connect(PASSWORD));
        // A topic length of 200 in a 5-byte PUBLISH: the remaining length still says where the next packet starts.
        FrameDecoding bad = wire.client(new byte[] {0x30, 3, 0, (byte) 200, 'x', (byte) 0xC0, 0});
        assertThat(bad.label()).isEqualTo("malformed PUBLISH + PINGREQ");
        assertThat(bad.warnings()).singleElement().satisfies(w -> assertThat(w.text()).contains("topic name runs past the end"));
        assertThat(List.of(wire.client(new byte[] {(byte) 0xE0, 0}).label())).containsExactly("DISCONNECT");
    }

    @Test
    void credentialsInAJsonPayloadAreMaskedInTheStoreKeepingTheLengthAndInWhatIsShown() {
        wire.client(connect(PASSWORD));
        byte[] publish = packet(0x30).utf8("login/bot").raw("{\"user\":\"bob\",\"password\":\"hunter2-secret\"}").bytes();
        // As mqtt.js sends it: header, length, topic length, topic, then the payload alone.
        FrameDecoding d = wire.client(split(publish, 1, 1, 2, 9));
        assertThat(d.label()).isEqualTo("PUBLISH login/bot");
        assertThat(d.summary()).contains("\"user\":\"bob\"").doesNotContain("hunter2-secret");
        byte[] stored = wire.stored.get(wire.stored.size() - 1);
        assertThat(stored).hasSize(publish.length - 13);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2-secret").contains("\"user\":\"bob\"");
        JsonNode tree = wire.storedTree();
        assertThat(tree.get("payload").get("user").asText()).isEqualTo("bob");
        assertThat(tree.get("payload").get("password").asText()).contains("[hmac:");
        FrameDecoding whole = wire.client(publish);
        assertThat(whole.summary()).doesNotContain("hunter2-secret");
        assertThat(wire.storedBytes()).doesNotContain("hunter2-secret");
    }

    @Test
    void replayIgnoresPacketIdsWhereverTheTreeHasThem() {
        var volatileFields = new MqttDecoder().scripting().volatileFields();
        assertThat(volatileFields).anyMatch(p -> p.matches(List.of("packetId")));
        assertThat(volatileFields).anyMatch(p -> p.matches(List.of("packets", "[1]", "packetId")));
        assertThat(volatileFields).noneMatch(p -> p.matches(List.of("topic")));
    }

    private static FrameInput input(Direction from, FrameType type, byte[] payload) {
        return FrameInput.of(new RecordedFrame(1, 1, 0, from, type, payload, 1, null));
    }
}
