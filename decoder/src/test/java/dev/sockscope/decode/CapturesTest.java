package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sockscope.wire.Capture;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * The captures recorded from the protocols' real libraries ({@code src/test/resources/captures/PROTOCOL/*.frames},
 * written by the ui module's *PeersTest with {@code -Dsockscope.captures.write=true}): each reads back with its
 * handshake, and the built-in decoders decode every frame of it. What each frame should decode to is for the
 * protocols' decoders to assert.
 */
class CapturesTest {
    static final Path ROOT = Path.of("src/test/resources/captures");
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();

    static Stream<Path> captures() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".frames")).sorted().toList().stream();
        }
    }

    static String name(Path file) {
        String relative = ROOT.relativize(file).toString().replace('\\', '/');
        return relative.substring(0, relative.length() - ".frames".length());
    }

    @Test
    void everyProtocolOfTheRealLibrariesHasCaptures() throws IOException {
        assertThat(captures().map(p -> ROOT.relativize(p).getName(0).toString()).distinct())
                .containsExactlyInAnyOrder("graphql", "json-rpc", "mqtt", "signalr", "socket.io", "stomp");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void readsBackAndDecodesFrameByFrame(Path file) throws IOException {
        Capture capture = Capture.read(file, name(file));
        assertThat(capture.handshake().status()).isEqualTo(101);
        assertThat(capture.frames()).isNotEmpty();
        assertThat(capture.frames()).extracting(RecordedFrame::type).contains(FrameType.CLOSE);
        SessionDecoder decoder = REGISTRY.open(capture.session(null), GoldenFrames.MASKER);
        for (RecordedFrame f : capture.frames()) {
            FrameDecoding d = decoder.decode(f).decoding();
            assertThat(d).as("decoding of frame %d of %s", f.seq(), capture.name()).isNotNull();
            assertThat(d.warnings()).as("warnings of frame %d of %s", f.seq(), capture.name())
                    .noneMatch(w -> w.code() == Warning.Code.DECODER_FAILED);
        }
    }

    @Test
    void theCapturesKeepTheFakeCredentialsAsTheLibrariesSentThem() throws IOException {
        String all = String.join("\n", captures().map(p -> {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
        assertThat(all).contains("s3cr3t-socketio-token", "s3cr3t-admin-token", "s3cr3t-graphql-token", "s3cr3t-rpc-password",
                "s3cr3t-passcode");
        assertThat(all).as("the MQTT password s3cr3t-mqtt-password, a message of its own in mqtt.js' CONNECT, in hex")
                .contains("73 33 63 72 33 74 2d 6d 71 74 74 2d 70 61 73 73 77 6f 72 64");
    }
}
