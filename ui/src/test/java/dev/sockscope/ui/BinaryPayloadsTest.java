package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.binary.ProtobufDecoder;
import dev.sockscope.decode.binary.ProtobufSchema;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.ui.views.Json;

/**
 * Binary payloads through the real proxy, read back from the recording with the command line: a protobuf chat whose
 * schema is given with {@code --protobuf} (chosen by its first binary frame, labelled by the envelope's oneof, acks
 * paired with their requests by the envelope's id, the password masked in the store), and a feed nobody's decoder claims whose MessagePack, gzip and base64-in-JSON frames
 * are stored with their trees, beside random bytes that stay hex and a gzip bomb that stops at the limit.
 */
class BinaryPayloadsTest {
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());

    @TempDir
    Path dir;

    /** {@code package chat; message Login {string user = 1; string password = 2;} message Say {string text = 1;}
     *  message Ack {int64 id = 1;} message Envelope {int64 id = 1; oneof body {Login login = 2; Say say = 3; Ack ack = 4;}}} */
    private static final FileDescriptorProto PROTO = FileDescriptorProto.newBuilder().setName("chat.proto").setPackage("chat").setSyntax("proto3")
            .addMessageType(DescriptorProto.newBuilder().setName("Login").addField(field("user", 1, Type.TYPE_STRING))
                    .addField(field("password", 2, Type.TYPE_STRING)))
            .addMessageType(DescriptorProto.newBuilder().setName("Say").addField(field("text", 1, Type.TYPE_STRING)))
            .addMessageType(DescriptorProto.newBuilder().setName("Ack").addField(field("id", 1, Type.TYPE_INT64)))
            .addMessageType(DescriptorProto.newBuilder().setName("Envelope").addField(field("id", 1, Type.TYPE_INT64))
                    .addOneofDecl(OneofDescriptorProto.newBuilder().setName("body"))
                    .addField(field("login", 2, Type.TYPE_MESSAGE).setTypeName(".chat.Login").setOneofIndex(0))
                    .addField(field("say", 3, Type.TYPE_MESSAGE).setTypeName(".chat.Say").setOneofIndex(0))
                    .addField(field("ack", 4, Type.TYPE_MESSAGE).setTypeName(".chat.Ack").setOneofIndex(0)))
            .build();

    private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(Label.LABEL_OPTIONAL);
    }

    private static final FileDescriptor FILE;

    static {
        try {
            FILE = FileDescriptor.buildFrom(PROTO, new FileDescriptor[0]);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Descriptor type(String name) {
        return FILE.findMessageTypeByName(name);
    }

    private static DynamicMessage message(String type, Object... fieldsAndValues) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type(type));
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            b.setField(type(type).findFieldByName((String) fieldsAndValues[i]), fieldsAndValues[i + 1]);
        }
        return b.build();
    }

    /** The chat server: answers every envelope with an Ack envelope of the same id. */
    private static final class ChatServer implements Simulator<Void> {
        @Override
        public String name() {
            return "chat";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            return null;
        }

        @Override
        public Void onText(Void state, Peer peer, String text) {
            return null;
        }

        @Override
        public Void onBinary(Void state, Peer peer, byte[] data) {
            try {
                long id = (Long) DynamicMessage.parseFrom(type("Envelope"), data).getField(type("Envelope").findFieldByName("id"));
                peer.sendBinary(message("Envelope", "id", id, "ack", message("Ack", "id", id)).toByteArray());
            } catch (IOException e) {
                peer.close(1003, "not an envelope");
            }
            return null;
        }
    }

    /** A feed in binary frames of several formats, sent when the client says "go". */
    static final class FeedServer implements Simulator<Void> {
        @Override
        public String name() {
            return "feed";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            return null;
        }

        @Override
        public Void onText(Void state, Peer peer, String text) {
            try {
                Map<String, Object> price = new LinkedHashMap<>();
                price.put("type", "price");
                price.put("symbol", "ACME");
                price.put("bid", 12.5);
                peer.sendBinary(MSGPACK.writeValueAsBytes(price));
                peer.sendBinary(gzip("{\"event\":\"snapshot\",\"rows\":[1,2,3]}".getBytes(StandardCharsets.UTF_8)));
                peer.send("{\"type\":\"bulk\",\"data\":\"" + Base64.getEncoder().encodeToString(gzip("{\"n\":42}".getBytes(StandardCharsets.UTF_8)))
                        + "\"}");
                byte[] random = new byte[1024];
                new Random(7).nextBytes(random);
                peer.sendBinary(random);
                peer.sendBinary(gzip(new byte[32 << 20]));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static String cli(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertThat(code).as("exit code of %s; stderr: %s", List.of(args), err).isEqualTo(expectedCode);
        return expectedCode == 0 ? out.toString() : err.toString();
    }

    private static List<String> rows(JsonNode frames) {
        List<String> rows = new ArrayList<>();
        frames.forEach(f -> rows.add(f.get("from").asText() + " " + f.path("protocol").asText() + " " + f.get("label").asText() + " "
                + f.get("kind").asText()));
        return rows;
    }

    @Test
    void protobufWithASchemaAndSchemalessFormatsAreStoredWithTheirTrees() throws Exception {
        Path desc = dir.resolve("chat.desc");
        Files.write(desc, FileDescriptorSet.newBuilder().addFile(PROTO).build().toByteArray());
        String option = desc + ":chat.Envelope";
        assertThat(cli(0, "protocols", "--protobuf", option)).contains("protobuf", "Protocol Buffers: chat.Envelope", "--protobuf " + desc);
        assertThat(cli(1, "protocols", "--protobuf", desc + ":chat.Nope")).startsWith("sockscope: --protobuf " + desc + ":chat.Nope: no message type");

        Path db = dir.resolve("db");
        ProtocolRegistry registry = ProtocolRegistry.builtIn().with(List.of(new ProtobufDecoder(ProtobufSchema.parse(option))), "--protobuf");
        try (SimulatorServer upstream = SimulatorServer.start("127.0.0.1", List.of(new ChatServer(), new FeedServer()));
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, upstream.uri("chat")),
                     new Route("127.0.0.1", 0, upstream.uri("feed"))), RelayOptions.defaults(), db, false, registry)) {
            TestClient chat = TestClient.connect(URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/"));
            chat.sendBinary(message("Envelope", "id", 1L, "login", message("Login", "user", "ann", "password", "s3cr3t-proto-pass")).toByteArray());
            chat.events.nextBinary();
            chat.sendBinary(message("Envelope", "id", 2L, "say", message("Say", "text", "hello")).toByteArray());
            chat.events.nextBinary();
            chat.sendClose(1000, "bye");
            chat.events.nextClose();

            TestClient feed = TestClient.connect(URI.create("ws://" + runtime.relay().boundRoutes().get(1).listen() + "/"));
            feed.sendText("go");
            for (int i = 0; i < 2; i++) {
                feed.events.nextBinary();
            }
            feed.events.nextText();
            for (int i = 0; i < 2; i++) {
                feed.events.nextBinary(Duration.ofSeconds(20));
            }
            feed.sendClose(1000, "bye");
            feed.events.nextClose();
            runtime.awaitRecorded(Duration.ofSeconds(30));
        }

        JsonNode sessions = Json.MAPPER.readTree(cli(0, "sessions", "--json", "--db", db.toString()));
        JsonNode chatSession = null;
        JsonNode feedSession = null;
        for (JsonNode s : sessions) {
            if (s.get("protocol").asText().equals("protobuf")) {
                chatSession = s;
            } else {
                feedSession = s;
            }
        }
        assertThat(chatSession).as("the chat session is decoded as protobuf: %s", sessions).isNotNull();
        assertThat(chatSession.get("protocolReason").asText()).isEqualTo("content: frame 1 matches the protobuf decoder");
        JsonNode chatFrames = Json.MAPPER.readTree(cli(0, "frames", chatSession.get("id").asText(), "--json", "--tree", "--db", db.toString(),
                "--protobuf", option));
        assertThat(rows(chatFrames)).containsExactly("client protobuf login unknown", "server protobuf ack response",
                "client protobuf say unknown", "server protobuf ack response", "client websocket close 1000 control",
                "server websocket close 1000 control");
        assertThat(chatFrames.get(1).get("correlatesWith").asLong()).as("the ack answers the login by the envelope's id").isEqualTo(1L);
        assertThat(chatFrames.get(3).get("correlatesWith").asLong()).isEqualTo(3L);
        JsonNode login = chatFrames.get(0);
        assertThat(login.get("summary").asText()).startsWith("chat.Envelope {\"id\":1,\"login\":{\"user\":\"ann\",\"password\":\"")
                .doesNotContain("s3cr3t-proto-pass");
        byte[] stored = Base64.getDecoder().decode(login.get("base64").asText());
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).as("masked in the store").doesNotContain("s3cr3t-proto-pass");
        assertThat(DynamicMessage.parseFrom(type("Envelope"), stored).toString()).as("and still a message of the schema")
                .contains("user: \"ann\"");
        assertThat(login.get("decoded").get("login").get("user").asText()).isEqualTo("ann");
        assertThat(chatFrames.get(2).get("decoded").toString()).isEqualTo("{\"id\":2,\"say\":{\"text\":\"hello\"}}");

        assertThat(feedSession.get("protocol").asText()).isEqualTo("generic");
        JsonNode feedFrames = Json.MAPPER.readTree(cli(0, "frames", feedSession.get("id").asText(), "--json", "--tree", "--db", db.toString()));
        assertThat(rows(feedFrames).subList(0, 6)).containsExactly("client text text unknown", "server msgpack price unknown",
                "server gzip → json snapshot unknown", "server json bulk unknown", "server binary binary unknown", "server gzip gzip unknown");
        assertThat(feedFrames.get(1).get("decoded").toString()).isEqualTo("{\"type\":\"price\",\"symbol\":\"ACME\",\"bid\":12.5}");
        assertThat(feedFrames.get(2).get("decoded").toString()).isEqualTo("{\"event\":\"snapshot\",\"rows\":[1,2,3]}");
        assertThat(feedFrames.get(3).get("decoded").toString()).isEqualTo("{\"type\":\"bulk\",\"data\":{\"base64 → gzip → json\":{\"n\":42}}}");
        assertThat(feedFrames.get(4).get("summary").asText()).startsWith("1 KiB: ");
        assertThat(feedFrames.get(4).path("decoded").isMissingNode() || feedFrames.get(4).get("decoded").isNull()).isTrue();
        JsonNode bomb = feedFrames.get(5);
        assertThat(bomb.get("warnings").toString()).contains("inflates to more than 1.0 MiB");
        assertThat(bomb.get("decoded").get("inflatesToMoreThan").asInt()).isEqualTo(1 << 20);
    }
}
