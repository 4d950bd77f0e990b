package dev.sockscope.decode.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.decode.spec.SpecException;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * {@code --protobuf FILE[:TYPES]}: messages written by protobuf-java with a schema built as protoc would, read back
 * with the descriptor set file: field names, enums, maps, oneof labels, credentials masked in the tree and located in
 * the wire bytes, the type guessed when none is given; bad options and broken frames said clearly, never thrown.
 */
class ProtobufDecoderTest {
    private static final SecretMasker MASKER = SecretMasker.ephemeral();
    private static final SessionInfo SESSION = new SessionInfo(1, "l", "ws://u", "c",
            new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0);

    @TempDir
    Path dir;

    private FrameReader reader(String option) throws Exception {
        return new ProtobufDecoder(ProtobufSchema.parse(option)).open(new DecoderContext(SESSION, MASKER));
    }

    private static FrameInput frame(Direction from, byte[] payload) {
        return FrameInput.of(new RecordedFrame(1, 1, 1, from, FrameType.BINARY, payload, 1, null));
    }

    @Test
    void anEnvelopeReadsWithFieldNamesAndIsLabelledByItsOneof() throws Exception {
        Path desc = ChatSchema.write(dir);
        FrameReader reader = reader(desc + ":chat.Envelope");
        DecodeResult.Decoded say = (DecodeResult.Decoded) reader.read(frame(Direction.CLIENT_TO_SERVER, ChatSchema.say(5, "lobby", "hi all")));
        assertThat(say.label()).isEqualTo("say");
        assertThat(say.summary()).startsWith("chat.Envelope {\"id\":5,\"say\":{\"room\":\"lobby\"");
        assertThat(say.warnings()).isEmpty();
        JsonNode tree = say.buildTree();
        assertThat(tree.toString()).isEqualTo("{\"id\":5,\"say\":{\"room\":\"lobby\",\"text\":\"hi all\",\"tags\":[\"a\",\"b\"],"
                + "\"priority\":\"URGENT\"},\"meta\":{\"trace\":\"t1\"}}");
    }

    @Test
    void aPasswordIsMaskedInTheTreeAndLocatedInTheWireBytes() throws Exception {
        FrameReader reader = reader(ChatSchema.write(dir) + ":chat.Envelope");
        byte[] payload = ChatSchema.login(1, "ann", "s3cr3t-proto");
        DecodeResult.Decoded login = (DecodeResult.Decoded) reader.read(frame(Direction.CLIENT_TO_SERVER, payload));
        assertThat(login.label()).isEqualTo("login");
        assertThat(login.summary()).contains("\"user\":\"ann\"").doesNotContain("s3cr3t-proto");
        assertThat(login.buildTree().get("login").get("password").asText()).doesNotContain("s3cr3t-proto");
        assertThat(login.secrets()).hasSize(1);
        Secret.Span span = (Secret.Span) login.secrets().get(0);
        assertThat(new String(Arrays.copyOfRange(payload, span.start(), span.end()), StandardCharsets.UTF_8)).isEqualTo("s3cr3t-proto");
    }

    @Test
    void oneTypePerDirectionOrAGuessAmongTheSetsTypes() throws Exception {
        Path desc = ChatSchema.write(dir);
        byte[] ack = ChatSchema.ack(9, null);
        FrameReader perDirection = reader(desc + ":client=chat.Envelope,server=chat.Ack");
        byte[] bareAck = com.google.protobuf.DynamicMessage.newBuilder(ChatSchema.type("Ack"))
                .setField(ChatSchema.type("Ack").findFieldByName("id"), 9L).build().toByteArray();
        DecodeResult.Decoded asAck = (DecodeResult.Decoded) perDirection.read(frame(Direction.SERVER_TO_CLIENT, bareAck));
        assertThat(asAck.label()).isEqualTo("chat.Ack");
        FrameReader guessing = reader(desc.toString());
        DecodeResult.Decoded guessed = (DecodeResult.Decoded) guessing.read(frame(Direction.SERVER_TO_CLIENT, ack));
        assertThat(guessed.label()).isEqualTo("ack");
        assertThat(guessed.summary()).startsWith("chat.Envelope? {\"id\":9,\"ack\":{\"id\":9,\"ok\":true}}");
    }

    @Test
    void answersArePairedWithTheirRequestsByTheEnvelopesId() throws Exception {
        ProtobufDecoder decoder = new ProtobufDecoder(ProtobufSchema.parse(ChatSchema.write(dir) + ":chat.Envelope"));
        SessionDecoder session = ProtocolRegistry.builtIn().with(List.of(decoder), "test").open(new SessionInfo(1, "l", "ws://u", "c",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0, "protobuf"), MASKER);
        FrameDecoding login = session.decode(new RecordedFrame(1, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.BINARY,
                ChatSchema.login(7, "ann", "pw-1"), 1, null)).decoding();
        FrameDecoding ack = session.decode(new RecordedFrame(1, 2, 3500, Direction.SERVER_TO_CLIENT, FrameType.BINARY,
                ChatSchema.ack(7, null), 1, null)).decoding();
        assertThat(login).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("protobuf", "login");
        assertThat(ack).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith, FrameDecoding::latencyMicros)
                .containsExactly("ack", Kind.RESPONSE, 1L, 2500L);
    }

    @Test
    void fieldsTheSchemaDoesNotKnowAreShownByNumberWithAWarning() throws Exception {
        FrameReader reader = reader(ChatSchema.write(dir) + ":chat.Ack");
        byte[] newer = com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(1, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(3).build())
                .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addLengthDelimited(
                        com.google.protobuf.ByteString.copyFromUtf8("extra")).build()).build().toByteArray();
        DecodeResult.Decoded d = (DecodeResult.Decoded) reader.read(frame(Direction.SERVER_TO_CLIENT, newer));
        assertThat(d.buildTree().toString()).isEqualTo("{\"id\":3,\"9\":\"extra\"}");
        assertThat(d.warnings()).extracting(Warning::text).containsExactly("fields [9] are not in chat.Ack (is chat.desc up to date?)");
    }

    @Test
    void brokenFramesAndTextFramesAreSaidNotThrown() throws Exception {
        FrameReader reader = reader(ChatSchema.write(dir) + ":chat.Envelope");
        byte[] whole = ChatSchema.say(5, "lobby", "hi");
        DecodeResult cut = reader.read(frame(Direction.CLIENT_TO_SERVER, Arrays.copyOf(whole, whole.length - 3)));
        assertThat(cut).isInstanceOf(DecodeResult.Failed.class);
        assertThat(((DecodeResult.Failed) cut).label()).isEqualTo("malformed chat.Envelope");
        assertThat(((DecodeResult.Failed) cut).reason()).startsWith("does not read as chat.Envelope: ");
        DecodeResult text = reader.read(FrameInput.of(new RecordedFrame(1, 2, 2, Direction.CLIENT_TO_SERVER, FrameType.TEXT,
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 1, null)));
        assertThat(text).isInstanceOf(DecodeResult.NotMine.class);
    }

    @Test
    void contentRecognitionTakesOnlyFramesTheSchemaExplainsWhole() throws Exception {
        ProtobufDecoder decoder = new ProtobufDecoder(ProtobufSchema.parse(ChatSchema.write(dir) + ":chat.Envelope"));
        assertThat(decoder.recognises(frame(Direction.CLIENT_TO_SERVER, ChatSchema.say(1, "r", "t")))).isTrue();
        byte[] random = new byte[1024];
        new java.util.Random(1).nextBytes(random);
        assertThat(decoder.recognises(frame(Direction.CLIENT_TO_SERVER, random))).isFalse();
        assertThat(decoder.recognises(frame(Direction.CLIENT_TO_SERVER, "hello".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    @Test
    void badOptionsStopWithAClearLine() throws Exception {
        Path desc = ChatSchema.write(dir);
        assertThatThrownBy(() -> ProtobufSchema.parse(desc + ":chat.Nope")).isInstanceOf(SpecException.class)
                .hasMessageContaining("no message type chat.Nope in the descriptor set (it has chat.Login, chat.Say, chat.Ack, chat.Envelope)");
        Path notASet = Files.writeString(dir.resolve("x.desc"), "syntax = \"proto3\";");
        assertThatThrownBy(() -> ProtobufSchema.parse(notASet.toString())).isInstanceOf(SpecException.class)
                .hasMessageContaining("is not a descriptor set");
        assertThatThrownBy(() -> ProtobufSchema.parse(dir.resolve("missing.desc").toString())).isInstanceOf(SpecException.class)
                .hasMessageContaining("cannot read");
        ProtobufSchema named = ProtobufSchema.parse("chat=" + desc + ":client=chat.Envelope");
        assertThat(named.name()).isEqualTo("chat");
        assertThat(named.types()).isEqualTo("client chat.Envelope, server guessed");
    }
}
