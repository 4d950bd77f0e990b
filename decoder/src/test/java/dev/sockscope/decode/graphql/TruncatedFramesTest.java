package dev.sockscope.decode.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Capture;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/** Every frame of the real captures, cut short at many places and fed in order: each is decoded or said broken, none throws. */
class TruncatedFramesTest {
    private static final String PROTOCOL = "graphql";
    private static final Path CAPTURES = Path.of("src/test/resources/captures/graphql");

    @Test
    void framesCutShortAreSaidBrokenNeverThrown() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(CAPTURES)) {
            files = list.filter(p -> p.toString().endsWith(".frames")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        int decoded = 0;
        for (Path file : files) {
            Capture capture = Capture.read(file, file.getFileName().toString());
            SessionDecoder session = ProtocolRegistry.builtIn().open(capture.session(null), SecretMasker.ephemeral());
            long seq = 0;
            for (RecordedFrame f : capture.frames()) {
                byte[] payload = f.payload();
                // Whole first, so that the session is pinned to the protocol by its real frames, then cut short.
                assertThat(session.decode(f.withSeq(++seq)).decoding().warnings()).extracting(Warning::code).doesNotContain(Warning.Code.DECODER_FAILED);
                for (int cut = f.type() == FrameType.TEXT ? 0 : payload.length; cut <= payload.length; cut += 5) {
                    byte[] part = java.util.Arrays.copyOf(payload, cut);
                    RecordedFrame shortened = new RecordedFrame(f.sessionId(), ++seq, f.timeMicros(), f.from(), f.type(), part, 1, null);
                    FrameDecoding d = session.decode(shortened).decoding();
                    assertThat(d.warnings()).as("%s cut to %d: %s", file.getFileName(), cut, new String(part, StandardCharsets.UTF_8))
                            .extracting(Warning::code).doesNotContain(Warning.Code.DECODER_FAILED);
                    decoded += d.protocol().equals(PROTOCOL) ? 1 : 0;
                }
            }
        }
        assertThat(decoded).as("cut frames read by the " + PROTOCOL + " decoder").isGreaterThan(300);
    }
}
