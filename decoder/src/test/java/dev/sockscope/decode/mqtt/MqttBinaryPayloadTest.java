package dev.sockscope.decode.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.decode.FrameDecoding;

/** A PUBLISH whose payload is MessagePack or gzip'd JSON shows it as a tree ({@code decode.binary.PayloadFormats}). */
class MqttBinaryPayloadTest {
    private final MqttWire wire = new MqttWire();

    @Test
    void aMessagePackPayloadIsATreeAndAGzipOneIsOpened() throws Exception {
        byte[] msgpack = new ObjectMapper(new MessagePackFactory()).writeValueAsBytes(Map.of("temp", 21.5));
        FrameDecoding publish = wire.client(Packets.packet(0x30).utf8("sensors/1").raw(msgpack).bytes());
        assertThat(publish.label()).isEqualTo("PUBLISH sensors/1");
        JsonNode tree = wire.storedTree();
        assertThat(tree.get("payload").toString()).isEqualTo("{\"temp\":21.5}");
        assertThat(tree.get("payloadEncoding").asText()).isEqualTo("msgpack");

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write("{\"n\":1}".getBytes());
        }
        wire.client(Packets.packet(0x30).utf8("sensors/2").raw(gz.toByteArray()).bytes());
        JsonNode gzipped = wire.storedTree();
        assertThat(gzipped.get("payload").toString()).isEqualTo("{\"n\":1}");
        assertThat(gzipped.get("payloadEncoding").asText()).isEqualTo("gzip → json");
    }
}
