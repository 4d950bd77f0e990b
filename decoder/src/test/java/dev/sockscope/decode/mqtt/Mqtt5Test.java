package dev.sockscope.decode.mqtt;

import static dev.sockscope.decode.mqtt.Packets.packet;
import static dev.sockscope.decode.mqtt.Packets.props;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;

/**
 * MQTT 5 (OASIS Standard, 7 March 2019) from packets built by hand field by field: no MQTT 5 peer runs here (aedes
 * speaks 3.1.1), so these pin the properties, reason codes and topic aliases that only version 5 has.
 */
class Mqtt5Test {
    static final String PASSWORD = "s3cr3t-mqtt5-password";

    static byte[] connect() {
        return packet(0x10).utf8("MQTT").u8(5).u8(0xC2).u16(30)
                .props(props().u8(0x11).u32(3600).u8(0x21).u16(20).u8(0x26).utf8("app").utf8("bot"))
                .utf8("bot-5").utf8("bot").utf8(PASSWORD).bytes();
    }

    static byte[] connack(int reason) {
        return packet(0x20).u8(0).u8(reason).props(props().u8(0x12).utf8("auto-1").u8(0x22).u16(10)).bytes();
    }

    private final MqttWire wire = new MqttWire();

    @Test
    void connectReadsTheLevelPropertiesAndUserAndMasksThePassword() {
        FrameDecoding d = wire.client(connect());
        assertThat(d.label()).isEqualTo("CONNECT");
        assertThat(d.kind()).isEqualTo(Kind.REQUEST);
        assertThat(d.summary()).startsWith("MQTT 5 · client “bot-5” · user bot · password s3cr…[hmac:").doesNotContain(PASSWORD);
        JsonNode tree = wire.storedTree();
        assertThat(tree.get("protocolLevel").asInt()).isEqualTo(5);
        assertThat(tree.get("cleanStart").asBoolean()).isTrue();
        assertThat(tree.get("properties").toString()).isEqualTo(
                "{\"sessionExpiryInterval\":3600,\"receiveMaximum\":20,\"userProperties\":[{\"name\":\"app\",\"value\":\"bot\"}]}");
        assertThat(tree.get("password").asText()).contains("[hmac:").doesNotContain(PASSWORD);
        assertThat(wire.stored.get(0)).as("masked keeping the length").hasSize(connect().length);
        assertThat(wire.storedBytes()).doesNotContain(PASSWORD).contains("bot-5");

        FrameDecoding ack = wire.server(connack(0));
        assertThat(ack.label()).isEqualTo("CONNACK");
        assertThat(ack.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(ack.correlatesWith()).isEqualTo(1L);
        assertThat(ack.latencyMicros()).isEqualTo(1000L);
        assertThat(wire.storedTree().get("properties").toString()).isEqualTo("{\"assignedClientIdentifier\":\"auto-1\",\"topicAliasMaximum\":10}");
    }

    @Test
    void aConnackReasonFrom0x80IsARefusal() {
        wire.client(connect());
        FrameDecoding refused = wire.server(packet(0x20).u8(0).u8(0x86).props(props().u8(0x1F).utf8("who are you?")).bytes());
        assertThat(refused.kind()).isEqualTo(Kind.ERROR);
        assertThat(refused.summary()).isEqualTo("refused: bad user name or password (134) · “who are you?”");
        assertThat(refused.correlatesWith()).isEqualTo(1L);
    }

    @Test
    void publishPropertiesTopicAliasesAndReasonCodes() {
        wire.client(connect());
        wire.server(connack(0));
        FrameDecoding publish = wire.client(packet(0x32).utf8("chat/room1").u16(7)
                .props(props().u8(0x03).utf8("application/json").u8(0x23).u16(1).u8(0x26).utf8("trace").utf8("abc"))
                .raw("{\"text\":\"hi\"}").bytes());
        assertThat(publish.label()).isEqualTo("PUBLISH chat/room1");
        assertThat(publish.kind()).isEqualTo(Kind.REQUEST);
        assertThat(publish.summary()).isEqualTo("QoS 1 · id 7 · {\"text\":\"hi\"}");
        JsonNode tree = wire.storedTree();
        assertThat(tree.get("payload").get("text").asText()).isEqualTo("hi");
        assertThat(tree.get("properties").get("contentType").asText()).isEqualTo("application/json");
        assertThat(tree.get("properties").get("topicAlias").asInt()).isEqualTo(1);

        FrameDecoding puback = wire.server(packet(0x40).u16(7).u8(0x10).bytes());
        assertThat(puback.label()).isEqualTo("PUBACK chat/room1");
        assertThat(puback.kind()).as("0x10 is below 0x80: not an error").isEqualTo(Kind.RESPONSE);
        assertThat(puback.summary()).isEqualTo("id 7 · no matching subscribers (0x10)");
        assertThat(puback.correlatesWith()).isEqualTo(3L);

        FrameDecoding aliased = wire.client(packet(0x30).utf8("").props(props().u8(0x23).u16(1)).raw("again").bytes());
        assertThat(aliased.label()).as("the topic the alias stands for").isEqualTo("PUBLISH chat/room1");
        assertThat(aliased.kind()).isEqualTo(Kind.EVENT);
        assertThat(aliased.warnings()).isEmpty();

        FrameDecoding unknownAlias = wire.client(packet(0x30).utf8("").props(props().u8(0x23).u16(9)).raw("x").bytes());
        assertThat(unknownAlias.label()).isEqualTo("PUBLISH (alias 9)");
        assertThat(unknownAlias.warnings()).singleElement().satisfies(w -> assertThat(w.text()).contains("topic alias 9 was never set"));

        FrameDecoding refusedPublish = wire.client(packet(0x32).utf8("secret/x").u16(8).props(props()).raw("?").bytes());
        assertThat(refusedPublish.kind()).isEqualTo(Kind.REQUEST);
        FrameDecoding notAuthorised = wire.server(packet(0x40).u16(8).u8(0x87).props(props().u8(0x1F).utf8("no")).bytes());
        assertThat(notAuthorised.kind()).isEqualTo(Kind.ERROR);
        assertThat(notAuthorised.summary()).isEqualTo("id 8 · not authorized (0x87) · “no”");
    }

    @Test
    void subscribeOptionsAndSubackReasonsPerFilter() {
        wire.client(connect());
        wire.server(connack(0));
        FrameDecoding sub = wire.client(packet(0x82).u16(8).props(props().u8(0x0B).u8(5))
                .utf8("chat/#").u8(0x05).utf8("admin/#").u8(0x00).bytes());
        assertThat(sub.label()).isEqualTo("SUBSCRIBE chat/#, admin/#");
        JsonNode tree = wire.storedTree();
        assertThat(tree.get("filters").get(0).toString()).isEqualTo(
                "{\"topic\":\"chat/#\",\"qos\":1,\"noLocal\":true,\"retainAsPublished\":false,\"retainHandling\":0}");
        assertThat(tree.get("properties").get("subscriptionIdentifier").toString()).isEqualTo("[5]");

        FrameDecoding suback = wire.server(packet(0x90).u16(8).props(props().u8(0x1F).utf8("admin is off limits")).u8(0x01, 0x87).bytes());
        assertThat(suback.label()).isEqualTo("SUBACK chat/#, admin/#");
        assertThat(suback.kind()).isEqualTo(Kind.ERROR);
        assertThat(suback.summary()).isEqualTo("id 8 · granted QoS 1, not authorized (0x87) · “admin is off limits”");
        assertThat(suback.correlatesWith()).isEqualTo(3L);

        FrameDecoding unsub = wire.client(packet(0xA2).u16(9).props(props()).utf8("chat/#").bytes());
        assertThat(unsub.label()).isEqualTo("UNSUBSCRIBE chat/#");
        FrameDecoding unsuback = wire.server(packet(0xB0).u16(9).props(props()).u8(0x11).bytes());
        assertThat(unsuback.label()).isEqualTo("UNSUBACK chat/#");
        assertThat(unsuback.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(unsuback.summary()).isEqualTo("id 9 · no subscription existed");
        assertThat(unsuback.correlatesWith()).isEqualTo(5L);
    }

    @Test
    void theQos2ChainPairsLinkByLinkWithReasonCodes() {
        wire.client(connect());
        wire.server(connack(0));
        wire.client(packet(0x34).utf8("orders").u16(12).props(props()).raw("{\"id\":1}").bytes());
        FrameDecoding pubrec = wire.server(packet(0x50).u16(12).bytes());
        FrameDecoding pubrel = wire.client(packet(0x62).u16(12).u8(0x00).props(props()).bytes());
        FrameDecoding pubcomp = wire.server(packet(0x70).u16(12).u8(0x00).bytes());
        assertThat(pubrec.label()).isEqualTo("PUBREC orders");
        assertThat(pubrec.correlatesWith()).isEqualTo(3L);
        assertThat(pubrel.label()).isEqualTo("PUBREL orders");
        assertThat(pubrel.correlatesWith()).isEqualTo(4L);
        assertThat(pubcomp.label()).isEqualTo("PUBCOMP orders");
        assertThat(pubcomp.correlatesWith()).isEqualTo(5L);
        assertThat(wire.decodings).extracting(FrameDecoding::warnings).allSatisfy(w -> assertThat(w).isEmpty());
    }

    @Test
    void disconnectAndAuthWithReasons() {
        wire.client(connect());
        wire.server(connack(0));
        FrameDecoding auth = wire.client(packet(0xF0).u8(0x19).props(props().u8(0x15).utf8("SCRAM-SHA-1").u8(0x16).utf8("client-first")).bytes());
        assertThat(auth.label()).isEqualTo("AUTH");
        assertThat(wire.storedTree().get("properties").toString())
                .as("authentication data may be a credential: its length only")
                .isEqualTo("{\"authenticationMethod\":\"SCRAM-SHA-1\",\"authenticationData\":\"12 bytes (not shown)\"}");
        FrameDecoding taken = wire.server(packet(0xE0).u8(0x8E).u8(0).bytes());
        assertThat(taken.label()).isEqualTo("DISCONNECT");
        assertThat(taken.kind()).isEqualTo(Kind.ERROR);
        assertThat(taken.summary()).isEqualTo("the connection ends · session taken over");
        FrameDecoding normal = wire.client(packet(0xE0).bytes());
        assertThat(normal.kind()).isEqualTo(Kind.CONTROL);
    }

    @Test
    void aMalformedPropertyIsSaidAndTheStreamReadsOn() {
        wire.client(connect());
        wire.server(connack(0));
        FrameDecoding bad = wire.client(packet(0x30).utf8("t").props(props().u8(0x7F).u8(1)).raw("x").bytes());
        assertThat(bad.label()).isEqualTo("malformed PUBLISH");
        assertThat(bad.warnings()).singleElement().satisfies(w -> assertThat(w.text()).contains("unknown property identifier 0x7f"));
        assertThat(wire.client(packet(0xC0).bytes()).label()).isEqualTo("PINGREQ");
    }

    @Test
    void aTreeReadWithoutTheConnectTakesMqtt5FromAPacketOnlyVersion5Makes() {
        wire.client(connect());
        wire.server(connack(0));
        wire.client(packet(0x32).utf8("chat/room1").u16(7).props(props()).raw("{\"text\":\"hi\"}").bytes());
        wire.server(packet(0x40).u16(7).u8(0x10).bytes());
        JsonNode puback = wire.storedTree(3, 2);
        assertThat(puback.get("reasonCode").asInt()).isEqualTo(0x10);
        assertThat(puback.get("meaning").asText()).isEqualTo("no matching subscribers");
    }

    @Test
    void aWillWithItsPropertiesAndAPasswordWithoutAUserName() {
        // MQTT 5 allows a password without a user name (3.1.1 does not); will flag 0x04, will QoS 1 (0x08), will retain 0x20.
        byte[] connect = packet(0x10).utf8("MQTT").u8(5).u8(0x40 | 0x20 | 0x08 | 0x04).u16(10).props(props())
                .utf8("dev-1").props(props().u8(0x18).u32(30).u8(0x03).utf8("text/plain")).utf8("status/dev-1").utf8("offline")
                .utf8(PASSWORD).bytes();
        FrameDecoding d = wire.client(connect);
        assertThat(d.summary()).isEqualTo("MQTT 5 · client “dev-1” · password " + MqttWire.MASKER.mask(PASSWORD) + " · keep-alive 10 s"
                + " · will on status/dev-1");
        JsonNode will = wire.storedTree().get("will");
        assertThat(will.toString()).isEqualTo("{\"topic\":\"status/dev-1\",\"qos\":1,\"retain\":true,\"payload\":\"offline\","
                + "\"payloadEncoding\":\"text\",\"properties\":{\"willDelayInterval\":30,\"contentType\":\"text/plain\"}}");
        assertThat(wire.storedBytes()).doesNotContain(PASSWORD).contains("offline");
    }
}
