package dev.sockscope.ui.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The worked decoder spec in docs/decoders.md is the one the tests load ({@code SpecLoaderTest}), character for character. */
public class DocsSpecExampleTest {
    public static final Path JSON_RPC_SPEC = Path.of("../decoder/src/test/resources/specs/json-rpc.yaml");
    static final Path PAGE = Path.of("../docs/decoders.md");
    private static final String MARKER = "<!-- json-rpc.yaml: decoder/src/test/resources/specs/json-rpc.yaml -->";

    @Test
    void theWorkedSpecExampleIsTheTestedFile() throws Exception {
        String page = Files.readString(PAGE);
        int at = page.indexOf(MARKER);
        assertThat(at).as(PAGE + " marks its worked spec with " + MARKER).isNotNegative();
        int start = page.indexOf("```yaml\n", at) + "```yaml\n".length();
        int end = page.indexOf("```", start);
        assertThat(page.substring(start, end)).isEqualTo(Files.readString(JSON_RPC_SPEC));
    }
}
