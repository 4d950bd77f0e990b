package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Every regular expression of a spec runs on wire data, so none may take exponential time (issue 22, point 2):
 * {@code ^((a+)+)+x$} against thirty {@code a}s and a {@code !} needs about 2^30 steps of a backtracking matcher
 * (java.util.regex: minutes); RE2/J answers in linear time. The deadline is generous for a loaded machine and still
 * thousands of times shorter than a backtracking matcher would need.
 */
class SpecRegexTimeTest {
    private static final String EVIL = "^((a+)+)+x$";
    private static final String INPUT = "a".repeat(30) + "!";
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private static ProtocolRegistry registry(String yaml) throws Exception {
        return ProtocolRegistry.of(List.of(), List.of(new SpecLoader().read(yaml.getBytes(StandardCharsets.UTF_8), "evil.yaml")));
    }

    private static RecordedFrame text(String text) {
        return new RecordedFrame(1, 1, 1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    @Test
    void aContentTestsPatternAndAHandshakePatternRunInLinearTime() throws Exception {
        ProtocolRegistry registry = registry("""
                protocol: evil
                detect:
                  handshake:
                    headers: {x-app: '%1$s'}
                    path: '%1$s'
                  content:
                    require: {text: string}
                    match: {text: '%1$s'}
                label:
                  fields: [text]
                """.formatted(EVIL));
        Handshake h = new Handshake("/" + INPUT, null, List.of(new Header("x-app", INPUT)), 101, List.of(), null, List.of());
        SessionDecoder.Step step = assertTimeoutPreemptively(DEADLINE, () -> {
            SessionDecoder d = registry.open(new SessionInfo(1, "l", "ws://u", "c", h, 0));
            assertThat(d.opened()).as("the header pattern does not match").isNull();
            return d.decode(text("{\"text\":\"" + INPUT + "\"}"));
        });
        assertThat(step.chosen()).as("the content pattern does not match either").isNull();
        assertThat(step.decoding().protocol()).isEqualTo("json");
    }

    @Test
    void aFramingRegexRunsInLinearTime() throws Exception {
        ProtocolRegistry registry = registry("""
                protocol: evil
                framing:
                  regex: '(?P<all>%s)'
                label:
                  fields: [all]
                """.formatted(EVIL));
        FrameDecoding d = assertTimeoutPreemptively(DEADLINE, () -> registry.open(new SessionInfo(1, "l", "ws://u", "c",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0, "evil")).decode(text(INPUT)).decoding());
        assertThat(d.protocol()).isEqualTo("evil");
        assertThat(d.warnings()).extracting(Warning::code).contains(Warning.Code.FRAMING);
    }

    @Test
    void aPatternRe2CannotRunIsRefusedWhenTheSpecLoadsWithItsLine() {
        String yaml = "protocol: evil\nframing:\n  regex: '(a)\\1'\n";
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> registry(yaml)))
                .isInstanceOf(dev.sockscope.decode.spec.SpecException.class)
                .hasMessageStartingWith("evil.yaml: line 3: ")
                .hasMessageContaining("is not a regular expression Sockscope can run (RE2 syntax)")
                .hasMessageContaining("(at framing.regex)");
    }
}
