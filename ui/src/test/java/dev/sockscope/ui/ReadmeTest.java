package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's worked decoder spec is the one the tests load, character for character. */
class ReadmeTest {
    static final Path JSON_RPC_SPEC = Path.of("../decoder/src/test/resources/specs/json-rpc.yaml");
    private static final String MARKER = "<!-- json-rpc.yaml: decoder/src/test/resources/specs/json-rpc.yaml -->";

    @Test
    void theWorkedSpecExampleIsTheTestedFile() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int at = readme.indexOf(MARKER);
        assertThat(at).as("README marks its worked spec with " + MARKER).isNotNegative();
        int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
        int end = readme.indexOf("```", start);
        assertThat(readme.substring(start, end)).isEqualTo(Files.readString(JSON_RPC_SPEC));
    }
}
