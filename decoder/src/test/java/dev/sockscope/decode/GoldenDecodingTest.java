package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sockscope.wire.RecordedFrame;

/**
 * Golden pairs for the built-in protocols: every example of the seed documents (and the malformed ones) as a
 * conversation in {@code src/main/resources/dev/sockscope/conversations/PROTOCOL/CASE.frames}, beside its expected
 * decoding in {@code src/test/resources/golden/PROTOCOL/CASE.expected}; one case per conversation, in every
 * protocol's folder. Run with {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change,
 * then review the diff: the expected files are the specification.
 */
class GoldenDecodingTest {
    private static final ProtocolRegistry REGISTRY = ProtocolRegistry.builtIn();

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String protocol : folders(GoldenFrames.CONVERSATIONS)) {
            for (String name : names(GoldenFrames.CONVERSATIONS.resolve(protocol), ".frames")) {
                cases.add(Arguments.of(protocol, name));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void decodesAsExpected(String protocol, String name) throws IOException {
        Path input = GoldenFrames.CONVERSATIONS.resolve(protocol).resolve(name + ".frames");
        Path expected = GoldenFrames.EXPECTED.resolve(protocol).resolve(name + ".expected");
        List<RecordedFrame> frames = GoldenFrames.read(input);
        assertThat(frames).as("frames in " + input).isNotEmpty();
        SessionDecoder decoder = REGISTRY.open(GoldenFrames.session(protocol), GoldenFrames.MASKER);
        String actual = GoldenFrames.render(decoder, frames, REGISTRY.find(protocol).orElseThrow());
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(expected.getParent());
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(expected).as("expected decoding (create it with -Dgolden.update=true, then review it)").exists();
        assertThat(actual).as("decoding of " + input + " (expected in " + expected + ")")
                .isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @Test
    void everyBuiltInProtocolHasConversationsAndEveryExpectationItsConversation() throws IOException {
        // The built-in specs; built-in Java decoders are tested against their libraries' captures instead.
        List<String> builtIn = REGISTRY.decoders().stream().filter(d -> d instanceof SpecDecoder).map(ProtocolDecoder::name).toList();
        assertThat(folders(GoldenFrames.CONVERSATIONS)).containsExactlyInAnyOrderElementsOf(builtIn);
        for (String protocol : builtIn) {
            assertThat(names(GoldenFrames.CONVERSATIONS.resolve(protocol), ".frames")).as("conversations of " + protocol).isNotEmpty();
            assertThat(names(GoldenFrames.EXPECTED.resolve(protocol), ".expected")).as("expectations of " + protocol)
                    .isEqualTo(names(GoldenFrames.CONVERSATIONS.resolve(protocol), ".frames"));
        }
    }

    private static List<String> folders(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> names(Path folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        }
    }
}
