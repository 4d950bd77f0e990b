package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Binary frames no decoder claims, through a real session decoder: MessagePack, CBOR and gzip show as their trees
 * (protocol column the format, label a conventional field or the format), credentials masked in what is shown,
 * answers paired by conventional ids as JSON's are; random bytes keep their hex summary; a bomb is bounded.
 */
class BinaryFallbackTest {
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private static SessionDecoder generic() {
        return ProtocolRegistry.builtIn().open(new SessionInfo(1, "l", "ws://u", "c",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0, "generic"), GoldenFrames.MASKER);
    }

    private static RecordedFrame binary(long seq, Direction from, byte[] payload) {
        return new RecordedFrame(1, seq, seq * 1000, from, FrameType.BINARY, payload, 1, null);
    }

    private static Map<String, Object> message(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void messagePackFramesAreTreesLabelledAndPairedLikeJson() throws Exception {
        SessionDecoder d = generic();
        SessionDecoder.Step login = d.decode(binary(1, Direction.CLIENT_TO_SERVER,
                MSGPACK.writeValueAsBytes(message("type", "login", "id", 1, "password", "s3cr3t-msgpack"))));
        SessionDecoder.Step answer = d.decode(binary(2, Direction.SERVER_TO_CLIENT, MSGPACK.writeValueAsBytes(message("id", 1, "ok", true))));
        assertThat(login.decoding()).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("msgpack", "login");
        assertThat(login.decoding().summary()).startsWith("{\"type\":\"login\",\"id\":1,\"password\":\"s3c").doesNotContain("s3cr3t-msgpack");
        JsonNode tree = login.tree().build();
        assertThat(tree.get("type").asText()).isEqualTo("login");
        assertThat(tree.get("password").asText()).doesNotContain("s3cr3t-msgpack");
        assertThat(answer.decoding()).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("msgpack", "login", Kind.RESPONSE, 1L);
    }

    @Test
    void credentialsAreMaskedInTheStoredCopyWhichStillParses() throws Exception {
        SessionDecoder d = generic();
        byte[] msgpack = MSGPACK.writeValueAsBytes(message("op", "auth", "access_token", "s3cr3t-msgpack-token", "note", "s3cr3t-msgpack-token"));
        SessionDecoder.Step step = d.decode(binary(1, Direction.CLIENT_TO_SERVER, msgpack));
        byte[] stored = step.maskedPayload();
        assertThat(stored).hasSameSizeAs(msgpack);
        JsonNode back = MSGPACK.readTree(stored);
        assertThat(back.get("access_token").asText()).hasSize("s3cr3t-msgpack-token".length()).isNotEqualTo("s3cr3t-msgpack-token");
        assertThat(back.get("op").asText()).isEqualTo("auth");
        byte[] cbor = CBOR.writeValueAsBytes(message("user", "ann", "password", "s3cr3t-cbor-pass"));
        byte[] storedCbor = d.decode(binary(2, Direction.CLIENT_TO_SERVER, cbor)).maskedPayload();
        assertThat(CBOR.readTree(storedCbor).get("password").asText()).isNotEqualTo("s3cr3t-cbor-pass").hasSize(16);
        assertThat(CBOR.readTree(storedCbor).get("user").asText()).isEqualTo("ann");
    }

    @Test
    void cborAndGzipFramesSayTheirFormat() throws Exception {
        SessionDecoder d = generic();
        FrameDecoding cbor = d.decode(binary(1, Direction.SERVER_TO_CLIENT, CBOR.writeValueAsBytes(message("n", 1, "v", List.of(1, 2)))))
                .decoding();
        assertThat(cbor).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::summary)
                .containsExactly("cbor", "cbor", "{\"n\":1,\"v\":[1,2]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write("{\"event\":\"tick\",\"n\":2}".getBytes());
        }
        FrameDecoding gzip = d.decode(binary(2, Direction.SERVER_TO_CLIENT, out.toByteArray())).decoding();
        assertThat(gzip).extracting(FrameDecoding::protocol, FrameDecoding::label, FrameDecoding::summary)
                .containsExactly("gzip → json", "tick", "{\"event\":\"tick\",\"n\":2}");
        assertThat(gzip.warnings()).isEmpty();
    }

    @Test
    void randomBinaryKeepsItsHexSummaryAndABombItsWarning() throws IOException {
        SessionDecoder d = generic();
        byte[] random = new byte[1024];
        new Random(1).nextBytes(random);
        SessionDecoder.Step step = d.decode(binary(1, Direction.CLIENT_TO_SERVER, random));
        assertThat(step.decoding()).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("binary", "binary");
        assertThat(step.decoding().summary()).startsWith("1 KiB: 73 d5 1a");
        assertThat(step.tree()).isNull();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(new byte[16 << 20]);
        }
        FrameDecoding bomb = d.decode(binary(2, Direction.CLIENT_TO_SERVER, out.toByteArray())).decoding();
        assertThat(bomb).extracting(FrameDecoding::protocol, FrameDecoding::label).containsExactly("gzip", "gzip");
        assertThat(bomb.summary()).startsWith("16 KiB: 1f 8b 08");
        assertThat(bomb.warnings()).extracting(Warning::code).containsExactly(Warning.Code.NOT_DECODED);
    }

    @Test
    void theTreeOfAStoredBinaryFrameIsMadeAgainByTheFallback() throws Exception {
        RecordedFrame f = binary(1, Direction.CLIENT_TO_SERVER, MSGPACK.writeValueAsBytes(message("token", "s3cr3t-tree", "op", "x")));
        SessionInfo session = new SessionInfo(1, "l", "ws://u", "c", new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0);
        JsonNode tree = Trees.standalone(FallbackDecoder.INSTANCE, session, f, GoldenFrames.MASKER);
        assertThat(tree.get("op").asText()).isEqualTo("x");
        assertThat(tree.get("token").asText()).doesNotContain("s3cr3t-tree");
    }
}
