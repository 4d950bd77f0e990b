package dev.sockscope.decode.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;

import dev.sockscope.decode.Warning;

/**
 * Binary payloads made by the real libraries (MessagePack's and Jackson's CBOR writers, protobuf-java,
 * java.util.zip) open as their trees; random bytes, text and broken payloads do not, and nothing throws.
 */
class PayloadFormatsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    static Map<String, Object> chat() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "chat");
        m.put("id", 7);
        m.put("text", "hello");
        m.put("tags", List.of("a", "b"));
        m.put("meta", Map.of("room", 3));
        return m;
    }

    static JsonNode chatTree() {
        return JSON.valueToTree(chat());
    }

    @Test
    void messagePackMapsAndArraysOpenAsTrees() throws Exception {
        OpenedPayload map = PayloadFormats.open(MSGPACK.writeValueAsBytes(chat()));
        assertThat(map.format()).isEqualTo("msgpack");
        assertThat(map.tree()).isEqualTo(chatTree());
        assertThat(map.warnings()).isEmpty();
        OpenedPayload array = PayloadFormats.open(MSGPACK.writeValueAsBytes(List.of(1, "join", Map.of("room", "lobby"))));
        assertThat(array.format()).isEqualTo("msgpack");
        assertThat(array.tree().toString()).isEqualTo("[1,\"join\",{\"room\":\"lobby\"}]");
    }

    @Test
    void cborOpensWithOrWithoutItsSelfDescribeTag() throws Exception {
        byte[] plain = CBOR.writeValueAsBytes(chat());
        assertThat(PayloadFormats.open(plain).format()).isEqualTo("cbor");
        assertThat(PayloadFormats.open(plain).tree()).isEqualTo(chatTree());
        ObjectMapper tagged = new ObjectMapper(CBORFactory.builder().enable(CBORGenerator.Feature.WRITE_TYPE_HEADER).build());
        byte[] withTag = tagged.writeValueAsBytes(List.of(1, "x"));
        assertThat(withTag).startsWith((byte) 0xd9, (byte) 0xd9, (byte) 0xf7);
        assertThat(PayloadFormats.open(withTag).format()).isEqualTo("cbor");
        assertThat(PayloadFormats.open(withTag).tree().toString()).isEqualTo("[1,\"x\"]");
    }

    @Test
    void compressedPayloadsAreInflatedAndWhatTheyHoldIsOpened() throws Exception {
        OpenedPayload gzipJson = PayloadFormats.open(gzip(JSON.writeValueAsBytes(chat())));
        assertThat(gzipJson.format()).isEqualTo("gzip → json");
        assertThat(gzipJson.tree()).isEqualTo(chatTree());
        OpenedPayload zlibMsgpack = PayloadFormats.open(zlib(MSGPACK.writeValueAsBytes(chat())));
        assertThat(zlibMsgpack.format()).isEqualTo("zlib → msgpack");
        assertThat(zlibMsgpack.tree()).isEqualTo(chatTree());
        OpenedPayload gzipText = PayloadFormats.open(gzip("plain words\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(gzipText.format()).isEqualTo("gzip → text");
        assertThat(gzipText.tree().textValue()).isEqualTo("plain words\n");
        OpenedPayload gzipBytes = PayloadFormats.open(gzip(new byte[] {0, 1, 2, 3}));
        assertThat(gzipBytes.format()).isEqualTo("gzip → binary");
        assertThat(gzipBytes.tree().binaryValue()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aGzipBombStopsAtTheInflationLimitWithAWarning() throws Exception {
        byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros in about 64 KiB
        assertThat(bomb.length).isLessThan(100_000);
        long start = System.nanoTime();
        OpenedPayload opened = PayloadFormats.open(bomb);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(opened.format()).isEqualTo("gzip");
        assertThat(opened.tree().get("inflatesToMoreThan").asInt()).isEqualTo(Limits.MAX_INFLATED);
        assertThat(opened.warnings()).extracting(Warning::code).containsExactly(Warning.Code.NOT_DECODED);
        assertThat(opened.warnings().get(0).text()).contains("inflates to more than 1.0 MiB");
        assertThat(millis).as("stops inflating at the limit, not at 64 MiB").isLessThan(2_000);
    }

    @Test
    void aBrokenGzipGetsAWarningNotAThrow() throws Exception {
        byte[] good = gzip(JSON.writeValueAsBytes(chat()));
        byte[] cut = Arrays.copyOf(good, good.length / 2);
        OpenedPayload opened = PayloadFormats.open(cut);
        assertThat(opened.format()).isEqualTo("gzip");
        assertThat(opened.warnings()).extracting(Warning::code).containsExactly(Warning.Code.MALFORMED);
        assertThat(opened.warnings().get(0).text()).startsWith("gzip that does not inflate");
    }

    @Test
    void protobufWithoutASchemaShowsFieldNumbersWithNestedMessagesGuessed() {
        // A real protobuf message, written by protobuf-java: a FileDescriptorProto (field 1 name, 2 package,
        // 4 message_type { 1 name, 2 field { 1 name, 3 number, 4 label, 5 type } }).
        byte[] bytes = FileDescriptorProto.newBuilder().setName("chat.proto").setPackage("chat")
                .addMessageType(DescriptorProto.newBuilder().setName("Msg")
                        .addField(FieldDescriptorProto.newBuilder().setName("text").setNumber(1)
                                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(FieldDescriptorProto.newBuilder().setName("id").setNumber(2).setType(FieldDescriptorProto.Type.TYPE_INT64)))
                .build().toByteArray();
        OpenedPayload opened = PayloadFormats.open(bytes);
        assertThat(opened.format()).isEqualTo("protobuf");
        assertThat(opened.schemaless()).isTrue();
        assertThat(opened.tree().toString()).isEqualTo("{\"1\":\"chat.proto\",\"2\":\"chat\",\"4\":{\"1\":\"Msg\",\"2\":"
                + "[{\"1\":\"text\",\"3\":1,\"4\":1,\"5\":9},{\"1\":\"id\",\"3\":2,\"5\":3}]}}");
    }

    @Test
    void randomBytesTextAndCutPayloadsStayUnopened() throws Exception {
        Random random = new Random(16);
        int opened = 0;
        int shortOpened = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[1 + random.nextInt(2048)];
            random.nextBytes(b);
            OpenedPayload o = PayloadFormats.open(b);
            // A random payload may start with a compression magic: it is then noted as broken, never taken.
            if (o != null && o.warnings().isEmpty()) {
                if (b.length >= 64) {
                    opened++;
                } else {
                    shortOpened++;
                }
            }
        }
        assertThat(opened).as("random payloads of 64 B or more taken for a format").isZero();
        assertThat(shortOpened).as("a few bytes can be a protobuf message by chance, rarely").isLessThan(20);
        assertThat(PayloadFormats.open("CONNECTED\nversion:1.2\n\n\u0000".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(PayloadFormats.open("hello there".getBytes(StandardCharsets.UTF_8))).as("text is not protobuf").isNull();
        for (byte[] whole : List.of(MSGPACK.writeValueAsBytes(chat()), CBOR.writeValueAsBytes(chat()))) {
            for (int n = 0; n < whole.length - 1; n++) {
                OpenedPayload cut = PayloadFormats.open(Arrays.copyOf(whole, n));
                assertThat(cut == null || cut.schemaless()).as("cut at %d", n).isTrue();
            }
            byte[] longer = Arrays.copyOf(whole, whole.length + 3);
            OpenedPayload trailing = PayloadFormats.open(longer);
            assertThat(trailing == null || trailing.schemaless()).as("bytes after the value").isTrue();
        }
    }

    @Test
    void payloadsNestedInATreeAreOpened() throws Exception {
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("type", "batch");
        outer.put("data", Base64.getEncoder().encodeToString(gzip(JSON.writeValueAsBytes(chat()))));
        outer.put("json", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(Map.of("a", 1))));
        outer.put("id", "eAbcdefghij"); // looks like base64 of zlib, is not: kept
        outer.put("blob", gzip(MSGPACK.writeValueAsBytes(Map.of("k", "v"))));
        JsonNode tree = PayloadFormats.open(MSGPACK.writeValueAsBytes(outer)).tree();
        NestedPayloads.open(tree);
        assertThat(tree.get("data").get("base64 → gzip → json")).isEqualTo(chatTree());
        assertThat(tree.get("json").get("base64 → json").toString()).isEqualTo("{\"a\":1}");
        assertThat(tree.get("id").textValue()).isEqualTo("eAbcdefghij");
        assertThat(tree.get("blob").get("gzip → msgpack").toString()).isEqualTo("{\"k\":\"v\"}");
    }

    @Test
    void nestedBombsShareOneInflationBudget() throws Exception {
        String bomb = Base64.getEncoder().encodeToString(gzip(new byte[8 << 20]));
        Map<String, Object> outer = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            outer.put("f" + i, bomb);
        }
        JsonNode tree = JSON.valueToTree(outer);
        long start = System.nanoTime();
        NestedPayloads.open(tree);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(tree.get("f0").get("base64 → gzip").get("inflatesToMoreThan").asInt()).isEqualTo(Limits.MAX_INFLATED);
        assertThat(tree.get("f1").get("base64 → gzip").get("inflatesToMoreThan").asInt()).as("the budget is spent").isZero();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
