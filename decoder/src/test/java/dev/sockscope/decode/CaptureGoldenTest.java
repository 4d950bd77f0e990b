package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.Capture;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Golden pairs for the real libraries' captures: each {@code captures/PROTOCOL/NAME.frames} (what the library really
 * sent, recorded by the ui module's *PeersTest) beside {@code NAME.expected}, its decoding as the built-in registry
 * chooses and reads it with no {@code --protocol}: the protocol and why, then per frame the label, kind, summary,
 * what it answers and after how long, its tree (read as the inspector reads a stored frame, with the decoder's
 * {@link ProtocolDecoder#treeContext()}), the masked stored copy and the warnings. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change, then review the diff.
 */
class CaptureGoldenTest {
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();

    static Stream<Path> captures() throws IOException {
        return CapturesTest.captures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void decodesAsExpected(Path file) throws IOException {
        Capture capture = Capture.read(file, CapturesTest.name(file));
        Path expected = file.resolveSibling(file.getFileName().toString().replaceAll("\\.frames$", ".expected"));
        String actual = render(capture);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(expected).as("expected decoding (create it with -Dgolden.update=true, then review it)").exists();
        assertThat(actual).as("decoding of " + file + " (expected in " + expected + ")")
                .isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    static String render(Capture capture) {
        SessionInfo session = capture.session(null);
        SessionDecoder decoder = REGISTRY.open(session, GoldenFrames.MASKER);
        StringBuilder out = new StringBuilder();
        ProtocolChoice choice = decoder.opened();
        List<RecordedFrame> frames = capture.frames();
        for (int i = 0; i < frames.size(); i++) {
            RecordedFrame f = frames.get(i);
            SessionDecoder.Step step = decoder.decode(f);
            FrameDecoding d = step.decoding();
            if (step.chosen() != null) {
                choice = step.chosen();
            }
            out.append('\n').append('#').append(f.seq()).append(' ').append(f.from().sender()).append(' ').append(f.type().label())
                    .append("  ").append(d.protocol()).append(" · ").append(d.label()).append("  [").append(d.kind().label()).append("]\n");
            out.append("   summary: ").append(d.summary()).append('\n');
            if (d.correlatesWith() != null) {
                out.append("   answers: #").append(d.correlatesWith()).append(" after ")
                        .append(String.format(Locale.ROOT, "%.3f ms", d.latencyMicros() / 1000.0)).append('\n');
            }
            List<RecordedFrame> before = frames.subList(0, i);
            JsonNode tree = REGISTRY.find(d.protocol()).map(p -> Trees.of(p, session, before, f, GoldenFrames.MASKER)).orElse(null);
            if (tree != null) {
                out.append("   tree: ").append(tree).append('\n');
            }
            if (step.maskedPayload() != null) {
                out.append("   stored: ").append(printable(f.type(), step.maskedPayload())).append('\n');
            }
            for (Warning w : d.warnings()) {
                out.append("   warning: ").append(w.text()).append('\n');
            }
        }
        ProtocolChoice atEnd = decoder.finish();
        choice = atEnd != null ? atEnd : choice;
        StringBuilder head = new StringBuilder("protocol: ").append(choice.protocol()).append(" (").append(choice.reason()).append(")\n");
        List<Long> unanswered = decoder.unanswered();
        if (!unanswered.isEmpty()) {
            out.append("\nunanswered:");
            unanswered.forEach(s -> out.append(" #").append(s));
            out.append('\n');
        }
        return head.append(out).toString();
    }

    private static String printable(FrameType type, byte[] payload) {
        if (type == FrameType.TEXT) {
            return new String(payload, StandardCharsets.UTF_8).replace("\n", "\\n");
        }
        return "hex " + HexFormat.ofDelimiter(" ").formatHex(payload);
    }
}
