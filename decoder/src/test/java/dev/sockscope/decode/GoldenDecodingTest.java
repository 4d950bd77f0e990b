package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sockscope.wire.RecordedFrame;

/**
 * Golden pairs for the five seed protocols: every example of the seed documents (and the malformed ones) in
 * {@code src/test/resources/golden/PROTOCOL/*.frames}, beside the expected decoding in {@code *.expected}.
 * Run with {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change, then review the
 * diff: the expected files are the specification.
 */
class GoldenDecodingTest {
    private static final Path ROOT = Paths.get("src/test/resources/golden");
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();

    static Stream<String> max() throws IOException {
        return cases("max");
    }

    static Stream<String> eventChat() throws IOException {
        return cases("event-chat");
    }

    static Stream<String> maim() throws IOException {
        return cases("maim");
    }

    static Stream<String> zavodchat() throws IOException {
        return cases("zavodchat");
    }

    static Stream<String> qqPush() throws IOException {
        return cases("qq-push");
    }

    @ParameterizedTest(name = "max/{0}")
    @MethodSource("max")
    void max(String name) throws IOException {
        check("max", name);
    }

    @ParameterizedTest(name = "event-chat/{0}")
    @MethodSource("eventChat")
    void eventChat(String name) throws IOException {
        check("event-chat", name);
    }

    @ParameterizedTest(name = "maim/{0}")
    @MethodSource("maim")
    void maim(String name) throws IOException {
        check("maim", name);
    }

    @ParameterizedTest(name = "zavodchat/{0}")
    @MethodSource("zavodchat")
    void zavodchat(String name) throws IOException {
        check("zavodchat", name);
    }

    @ParameterizedTest(name = "qq-push/{0}")
    @MethodSource("qqPush")
    void qqPush(String name) throws IOException {
        check("qq-push", name);
    }

    private static Stream<String> cases(String protocol) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(protocol))) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".frames"))
                    .map(n -> n.substring(0, n.length() - ".frames".length()))
                    .sorted().toList();
            assertThat(names).as("golden cases for " + protocol).isNotEmpty();
            return names.stream();
        }
    }

    private static void check(String protocol, String name) throws IOException {
        Path input = ROOT.resolve(protocol).resolve(name + ".frames");
        Path expected = ROOT.resolve(protocol).resolve(name + ".expected");
        List<RecordedFrame> frames = GoldenFrames.read(input);
        assertThat(frames).as("frames in " + input).isNotEmpty();
        SessionDecoder decoder = REGISTRY.open(GoldenFrames.session(protocol), GoldenFrames.MASKER);
        String actual = GoldenFrames.render(decoder, frames, REGISTRY.find(protocol).orElseThrow());
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(expected).as("expected decoding (create it with -Dgolden.update=true, then review it)").exists();
        assertThat(actual).as("decoding of " + input + " (expected in " + expected + ")")
                .isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }
}
