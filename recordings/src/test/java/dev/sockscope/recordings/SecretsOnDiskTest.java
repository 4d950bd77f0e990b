package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** With masking on, no credential is anywhere in the recordings file: not in the session, a frame, or a decoding. */
class SecretsOnDiskTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbm4iLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
    private static final String SIGNATURE = "c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
    private static final String BEARER = "opaque-bearer-0123456789";
    private static final String COOKIE = "3c3beb77-b54a-4733-8c5d";
    private static final String PASSWORD = "hunter2-long-password";
    private static final String QUERY_TOKEN = "q-token-abcdef";
    private static final String OTHER_JWT_SIGNATURE = "b3RoZXItc2lnbmF0dXJlLWJ5dGVz";

    @TempDir
    Path dir;

    private static List<CaptureEvent> session(long id) {
        // The event-chat shape: the JWT offered as a subprotocol, and (as some servers do) selected by the upstream.
        Handshake h = new Handshake("/ws", "sid=2&access_token=" + QUERY_TOKEN,
                List.of(new Header("Sec-WebSocket-Protocol", "access_token, " + JWT), new Header("Authorization", "Bearer " + BEARER),
                        new Header("Cookie", "zavodchat_token=" + COOKIE)),
                101, List.of(new Header("Sec-WebSocket-Protocol", JWT)), JWT, List.of());
        SessionInfo info = new SessionInfo(id, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000", h, Fixtures.T0);
        return List.of(new CaptureEvent.SessionOpened(info),
                frame(id, 1, "{\"name\":\"Event.Login\",\"args\":\"{\\\"password\\\":\\\"" + PASSWORD + "\\\"}\"}"),
                frame(id, 2, "{\"name\":\"Event.Login\",\"ok\":true,\"result\":{\"bearer\":\"" + BEARER + "\",\"cookie\":\"" + COOKIE
                        + "\",\"session\":\"" + JWT + "\",\"q\":\"" + QUERY_TOKEN + "\"}}"),
                frame(id, 3, "{\"name\":\"Event.Note\",\"args\":\"{}\",\"text\":\"eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ." + OTHER_JWT_SIGNATURE + "\"}"),
                // a large answer: its payload goes to the session's payload file, masked as well
                frame(id, 4, "{\"name\":\"Event.Login\",\"ok\":true,\"result\":{\"bearer\":\"" + BEARER + "\",\"padding\":\""
                        + "x".repeat(PayloadFiles.MIN_EXTERNAL) + "\",\"cookie\":\"" + COOKIE + "\"}}"),
                close(id, 5, "bad token " + BEARER),
                new CaptureEvent.SessionClosed(id, new SessionEnd(Fixtures.T0 + 9000, 1008, "bad token " + BEARER, ClosedBy.SERVER,
                        "upstream closed: bad token " + BEARER)));
    }

    private static CaptureEvent close(long id, long seq, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (1008 >> 8);
        payload[1] = (byte) (1008 & 0xFF);
        System.arraycopy(r, 0, payload, 2, r.length);
        return new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, Fixtures.T0 + seq * 1000, Direction.SERVER_TO_CLIENT,
                FrameType.CLOSE, payload, 1, null));
    }

    private static CaptureEvent frame(long id, long seq, String text) {
        return new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, Fixtures.T0 + seq * 1000,
                seq % 2 == 1 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, FrameType.TEXT,
                text.getBytes(StandardCharsets.UTF_8), 1, null));
    }

    @Test
    void noCredentialIsAnywhereInTheFile() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            new Recorder(store).onEvents(Fixtures.decoded(store, session(1), false));
            SessionRecord s = store.session(1).orElseThrow();
            assertThat(s.protocol()).isEqualTo("event-chat");
            assertThat(s.info().handshake().subprotocol()).startsWith("eyJh…[hmac:");
            assertThat(s.handshakeDecoded()).contains("\"subprotocolSelected\":\"eyJh…[hmac:");
            assertThat(s.end().closeReason()).startsWith("bad token ").doesNotContain(BEARER);
            assertThat(s.end().error()).startsWith("upstream closed: bad token ").doesNotContain(BEARER);
            assertThat(store.frames(1, 4, 1).get(0).closeCode()).isEqualTo(1008);
            assertThat(store.frames(1, 4, 1).get(0).closeReason()).startsWith("bad token ").doesNotContain(BEARER);
            assertThat(store.frames(1, 3, 1).get(0).size()).as("the large answer").isGreaterThan(PayloadFiles.MIN_EXTERNAL);
            // Blocks may be stored deflated, where a raw secret would not show in the file's bytes: look inside them too.
            String stored = store.storedFrames(1, 0, 100).stream().map(f -> f.frame().text() + f.decoding()).reduce("", String::concat);
            for (String secret : List.of(SIGNATURE, BEARER, COOKIE, PASSWORD, QUERY_TOKEN, OTHER_JWT_SIGNATURE)) {
                assertThat(stored).as("the stored frames").doesNotContain(secret);
            }
        }
        String file = new String(Files.readAllBytes(dir.resolve("sockscope.mv.db")), StandardCharsets.ISO_8859_1);
        assertThat(file).as("the file holds the session").contains("Event.Login").contains("access_token");
        String payloads = new String(Files.readAllBytes(dir.resolve("payloads/1.bin")), StandardCharsets.ISO_8859_1);
        assertThat(payloads).as("the payload file holds the large answer").contains("\"padding\"").contains("[hmac:");
        for (String secret : List.of(SIGNATURE, BEARER, COOKIE, PASSWORD, QUERY_TOKEN, OTHER_JWT_SIGNATURE)) {
            assertThat(file).as("the recordings file").doesNotContain(secret);
            assertThat(payloads).as("the payload file").doesNotContain(secret);
        }
    }

    @Test
    void keepSecretsKeepsThemRaw() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            new Recorder(store).onEvents(Fixtures.decoded(store, session(1), true));
            assertThat(store.session(1).orElseThrow().info().handshake().subprotocol()).isEqualTo(JWT);
            assertThat(store.frames(1, 0, 10).get(1).text()).contains(BEARER);
        }
    }

    @Test
    void theMaskingKeyIsTheFoldersOwnKeptAcrossRunsAndReadableByItsOwnerAlone() throws Exception {
        String first;
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            first = store.masker().mask(BEARER);
        }
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            assertThat(store.masker().mask(BEARER)).as("the same token masks the same way in every run").isEqualTo(first);
        }
        try (H2RecordingStore reader = H2RecordingStore.openReader(dir)) {
            assertThat(reader.masker().mask(BEARER)).isEqualTo(first);
        }
        try (H2RecordingStore other = H2RecordingStore.open(dir.resolve("other"))) {
            assertThat(other.masker().mask(BEARER)).as("another folder has another key").isNotEqualTo(first);
        }
        Path key = dir.resolve(MaskingKey.FILE_NAME);
        assertThat(Files.readString(key).trim()).hasSize(64);
        Assumptions.assumeTrue(OwnerOnly.supported(dir), "POSIX permissions");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void aDamagedMaskingKeyStopsTheWriterAndIsNeverReplaced() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.masker();
        }
        Path key = dir.resolve(MaskingKey.FILE_NAME);
        Files.writeString(key, "not a key\n");
        assertThatThrownBy(() -> H2RecordingStore.open(dir)).isInstanceOf(RecordingException.class)
                .hasMessageContaining("masking key").hasMessageContaining("never replaced silently");
        assertThat(Files.readString(key)).as("left as it was").isEqualTo("not a key\n");
    }
}
