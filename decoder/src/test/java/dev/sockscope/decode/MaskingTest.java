package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * What masking guarantees for stored frames and their decodings (issue 8): nothing that looks like a credential, or
 * was a credential in the handshake, reaches the store, whatever decoder runs; and everything else stays byte for byte.
 */
class MaskingTest {
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();
    private static final SecretMasker MASKER = GoldenFrames.MASKER;
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4iLCJleHAiOjE3MDAwMDAwMDB9.Zm9yZ2VkLXNpZ25hdHVyZS1ieXRlcw";
    private static final String SIGNATURE = "Zm9yZ2VkLXNpZ25hdHVyZS1ieXRlcw";
    private static final SessionInfo SESSION = new SessionInfo(1, "l", "ws://u", "c",
            new Handshake("/ws", null, List.of(), 101, List.of(), null, List.of()), 0);

    private static SessionDecoder open(String protocol, Header... headers) {
        return open(protocol, null, headers);
    }

    private static SessionDecoder open(String protocol, String query, Header... headers) {
        Handshake h = new Handshake("/ws", query, List.of(headers), 101, List.of(), null, List.of());
        return REGISTRY.open(new SessionInfo(1, "127.0.0.1:1", "ws://u", "127.0.0.1:2", h, 0, protocol), MASKER);
    }

    private static RecordedFrame text(long seq, String text) {
        return new RecordedFrame(1, seq, seq * 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    private static String stored(SessionDecoder.Step step) {
        assertThat(step.maskedPayload()).as("the frame holds a secret, so a masked copy is stored").isNotNull();
        return new String(step.maskedPayload(), StandardCharsets.UTF_8);
    }

    @Test
    void conventionalCredentialFieldsAreMaskedInFramesASpecDecodesToo() {
        SessionDecoder max = open("max");
        String frame = "{\"cmd\":0,\"seq\":5,\"opcode\":64,\"payload\":{\"chatId\":1,\"password\":\"hunter2-long\",\"meta\":{\"api_key\":\"k-987654321\"}}}";
        SessionDecoder.Step step = max.decode(text(1, frame));
        assertThat(step.decoding().protocol()).isEqualTo("max");
        assertThat(stored(step)).isEqualTo("{\"cmd\":0,\"seq\":5,\"opcode\":64,\"payload\":{\"chatId\":1,\"password\":\""
                + MASKER.mask("hunter2-long") + "\",\"meta\":{\"api_key\":\"" + MASKER.mask("k-987654321") + "\"}}}");
        assertThat(step.decoding().summary()).doesNotContain("hunter2-long").doesNotContain("k-987654321");
        JsonNode tree = Trees.standalone(REGISTRY.find("max").orElseThrow(), SESSION, text(1, frame), MASKER);
        assertThat(tree.toString()).as("the view of a frame stored raw (--keep-secrets)")
                .doesNotContain("hunter2-long").doesNotContain("k-987654321").contains(MASKER.mask("hunter2-long"));
    }

    @Test
    void theHandshakesCredentialsAreMaskedWhereverTheyAppearInTheSessionsFrames() {
        SessionDecoder d = open("generic", "sid=2&access_token=q-secret-42",
                new Header("Authorization", "Bearer opaque-bearer-123456"),
                new Header("Cookie", "zavodchat_token=3c3beb77-b54a-4733; theme=dark"),
                new Header("Sec-WebSocket-Protocol", "access_token, sub-token-777"));
        String frame = "{\"type\":\"hello\",\"echo\":\"opaque-bearer-123456\",\"again\":[\"3c3beb77-b54a-4733\",\"sub-token-777\"],"
                + "\"q\":\"q-secret-42\",\"theme\":\"dark\"}";
        String stored = stored(d.decode(text(1, frame)));
        assertThat(stored).isEqualTo("{\"type\":\"hello\",\"echo\":\"" + MASKER.mask("opaque-bearer-123456") + "\",\"again\":[\""
                + MASKER.mask("3c3beb77-b54a-4733") + "\",\"" + MASKER.mask("sub-token-777") + "\"],\"q\":\""
                + MASKER.mask("q-secret-42") + "\",\"theme\":\"dark\"}");
        // In plain text and binary frames as well.
        assertThat(stored(d.decode(text(2, "login opaque-bearer-123456 ok")))).isEqualTo("login " + MASKER.mask("opaque-bearer-123456") + " ok");
        byte[] binary = ("\u0001\u0002sub-token-777\u0003").getBytes(StandardCharsets.ISO_8859_1);
        SessionDecoder.Step b = d.decode(new RecordedFrame(1, 3, 3000, Direction.SERVER_TO_CLIENT, FrameType.BINARY, binary, 1, null));
        // In a binary frame the mask keeps the value's length, so that a binary format's length fields stay true.
        String maskedBinary = new String(b.maskedPayload(), StandardCharsets.ISO_8859_1);
        assertThat(maskedBinary).hasSize(binary.length).doesNotContain("sub-token-777")
                .isEqualTo("\u0001\u0002" + new String(MASKER.maskKeepingLength("sub-token-777".getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.ISO_8859_1) + "\u0003")
                .startsWith("\u0001\u0002*[hmac:");
        assertThat(SecretMasker.isMasked(maskedBinary)).as("replay can tell that the frame holds a masked value").isTrue();
        assertThat(b.decoding().summary()).doesNotContain("73 75 62 2d 74 6f 6b 65 6e 2d 37 37 37");
    }

    @Test
    void aJwtInABinaryFrameIsMaskedWithoutChangingTheFramesLength() {
        SessionDecoder d = open("generic");
        byte[] binary = ("\u0000\u0010" + JWT + "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        SessionDecoder.Step b = d.decode(new RecordedFrame(1, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.BINARY, binary, 1, null));
        String stored = new String(b.maskedPayload(), StandardCharsets.ISO_8859_1);
        assertThat(stored).hasSize(binary.length).doesNotContain(SIGNATURE)
                .startsWith("\u0000\u0010" + JWT.substring(0, JWT.length() - SIGNATURE.length())).endsWith("]\u00ff");
    }

    @Test
    void jwtSignaturesAreMaskedInAnyFrameAndAnyField() {
        SessionDecoder d = open("qq-push");
        String frame = "{\"type\":\"msg\",\"data\":{\"type\":\"private\",\"text\":\"my token is " + JWT + "\"}}";
        SessionDecoder.Step step = d.decode(text(1, frame));
        String stored = stored(step);
        assertThat(stored).doesNotContain(SIGNATURE)
                .isEqualTo(frame.replace(SIGNATURE, MASKER.mask(SIGNATURE)));
        assertThat(step.decoding().summary()).doesNotContain(SIGNATURE);
    }

    @Test
    void aJsonDocumentInsideAStringIsMaskedInsideToo() {
        SessionDecoder d = open("event-chat");
        String frame = "{\"name\":\"Event.Login\",\"args\":\"{\\\"user_id\\\":1,\\\"password\\\":\\\"hunter2-long\\\"}\"}";
        SessionDecoder.Step step = d.decode(text(1, frame));
        assertThat(stored(step)).doesNotContain("hunter2-long").startsWith("{\"name\":\"Event.Login\",\"args\":\"{\\\"user_id\\\":1,");
        assertThat(step.decoding().summary()).doesNotContain("hunter2-long");
        assertThat(Trees.standalone(REGISTRY.find("event-chat").orElseThrow(), SESSION, text(1, frame), MASKER).toString()).doesNotContain("hunter2-long");
    }

    @Test
    void aSpecsSecretPathIntoAJsonStringIsMaskedInTheStoredPayload() throws Exception {
        String yaml = """
                protocol: rpc-in-string
                detect:
                  handshake:
                    subprotocols: [rpc-in-string]
                jsonStrings: [args]
                secrets: [args.pin]
                label:
                  fields: [op]
                """;
        ProtocolRegistry registry = ProtocolRegistry.of(List.of(), List.of(new dev.sockscope.decode.spec.SpecLoader()
                .read(yaml.getBytes(StandardCharsets.UTF_8), "rpc-in-string.yaml")));
        Handshake h = new Handshake("/", null, List.of(new Header("Sec-WebSocket-Protocol", "rpc-in-string")), 101, List.of(), null, List.of());
        SessionDecoder d = registry.open(new SessionInfo(1, "l", "ws://u", "c", h, 0), MASKER);
        String frame = "{\"op\":\"unlock\",\"args\":\"{\\\"door\\\":3,\\\"pin\\\":\\\"8675309\\\"}\"}";
        SessionDecoder.Step step = d.decode(text(1, frame));
        assertThat(step.decoding().protocol()).isEqualTo("rpc-in-string");
        assertThat(stored(step)).isEqualTo("{\"op\":\"unlock\",\"args\":\"{\\\"door\\\":3,\\\"pin\\\":\\\""
                + MASKER.mask("8675309") + "\\\"}\"}");
        assertThat(step.decoding().summary()).doesNotContain("8675309");
    }

    @Test
    void brokenJsonIsMaskedByFieldNameAndTheRestStaysByteForByte() {
        SessionDecoder d = open("generic");
        String frame = "{ \"op\" : 1,\n  \"password\" :  \"hunter2-lo";
        String stored = stored(d.decode(text(1, frame)));
        assertThat(stored).isEqualTo("{ \"op\" : 1,\n  \"password\" :  \"" + MASKER.mask("hunter2-lo"));
        String spaced = "{ \"op\" : 1,\n  \"token\"\t:\"abc-123-def\" , \"n\": 1.50 }";
        assertThat(stored(d.decode(text(2, spaced)))).isEqualTo("{ \"op\" : 1,\n  \"token\"\t:\"" + MASKER.mask("abc-123-def") + "\" , \"n\": 1.50 }");
    }

    @Test
    void brokenJsonWithAHugeCutOffSecretIsMaskedWithoutOverflowingTheStack() {
        SessionDecoder d = open("generic");
        String value = "x\\\"y".repeat(300_000); // escaped quotes: one regex frame per character overflowed the stack
        String stored = stored(d.decode(text(1, "{\"op\":1,\"password\":\"" + value)));
        assertThat(stored).isEqualTo("{\"op\":1,\"password\":\"" + MASKER.mask(value));
    }

    @Test
    void fieldsInBrokenJsonAreFoundAsTheRegularExpressionTheScannerReplacesFoundThem() {
        java.util.regex.Pattern spec = java.util.regex.Pattern.compile("(\"([^\"\\\\]{1,64})\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\"?)");
        String[] pieces = {"\"", "\\", "\\\"", ":", " ", "\n", "token", "pwd", "a", "{", ","};
        java.util.Random random = new java.util.Random(6);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(24); i > 0; i--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = text.toString();
            java.util.regex.Matcher m = spec.matcher(s);
            StringBuilder expected = new StringBuilder();
            int pos = 0;
            while (m.find()) {
                if (!m.group(3).isEmpty() && PayloadMasker.isConventionalSecret(m.group(2))) {
                    expected.append(s, pos, m.start(3)).append(MASKER.mask(m.group(3)));
                    pos = m.end(3);
                }
            }
            expected.append(s, pos, s.length());
            assertThat(PayloadMasker.maskUnparsed(s, java.util.Set.of(), MASKER)).as("masked %s", s).isEqualTo(expected.toString());
        }
    }

    @Test
    void theDecodedHandshakeShowsNoTokenTheUpstreamSelectedAsItsSubprotocol() {
        Handshake h = new Handshake("/ws", "sid=2", List.of(new Header("Sec-WebSocket-Protocol", "access_token, " + JWT)), 101,
                List.of(new Header("Sec-WebSocket-Protocol", JWT)), JWT, List.of());
        SessionDecoder d = REGISTRY.open(new SessionInfo(1, "l", "ws://u", "c", h, 0), MASKER);
        String decoded = d.opened().handshake().toString();
        assertThat(decoded).doesNotContain(JWT).doesNotContain(SIGNATURE).contains("\"subprotocolSelected\":\"eyJh…[hmac:")
                .contains("\"signature\":\"masked\"");
        assertThat(MASKER.mask(h).toString()).doesNotContain(SIGNATURE);
    }

    @Test
    void framesWithoutSecretsAreStoredAsTheyCame() {
        SessionDecoder d = open("generic", new Header("Cookie", "theme=dark"));
        assertThat(d.decode(text(1, "{\"type\":\"hello\",\"theme\":\"dark\",\"tokens\":3}")).maskedPayload()).isNull();
        assertThat(d.decode(text(2, "plain text")).maskedPayload()).isNull();
    }
}
