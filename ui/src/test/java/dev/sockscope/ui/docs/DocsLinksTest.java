package dev.sockscope.ui.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link of the README, the top-level Markdown files and docs/ leads to a file and heading that exist. */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..");

    static List<Path> documentation() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> top = Files.list(ROOT); Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            top.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void everyRelativeLinkOfTheDocsLeadsSomewhere() throws IOException {
        List<Path> files = documentation();
        assertThat(files).extracting(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                .contains("README.md", "CHANGELOG.md", "CONTRIBUTING.md", "docs/getting-started.md", "docs/cli.md");
        assertThat(new MarkdownLinks().broken(files)).as("broken links").isEmpty();
    }

    @Test
    void theReadmeLinksEveryDocsPage() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md"))
                    .forEach(page -> assertThat(readme).as("README's map of the docs").contains("(docs/" + page.getFileName() + ")"));
        }
    }

    @Test
    void theReadmeStaysAFrontPage() throws IOException {
        assertThat(Files.readAllLines(ROOT.resolve("README.md"))).as("README lines: the rest belongs in docs/").hasSizeLessThan(200);
    }

    @Test
    void aMissingFileOrHeadingIsReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.md"), String.join("\n",
                "# Page A", "## Writing a `spec`", "## Twice", "## Twice", "```", "# not a heading", "[in code](nowhere.md)", "```",
                "[fine](a.md#writing-a-spec) [fine too](#twice-1) [also](b.md) [web](https://example.org/x.md)",
                "`[inline code](nowhere.md)`",
                "[gone](c.md) [bad anchor](b.md#nope) [code heading](#not-a-heading)", ""));
        Files.writeString(dir.resolve("b.md"), "# B\n");
        assertThat(new MarkdownLinks().broken(List.of(dir.resolve("a.md"))))
                .extracting(MarkdownLinks.Broken::target)
                .containsExactly("c.md", "b.md#nope", "#not-a-heading");
    }

    @Test
    void anchorsAreGitHubs() {
        assertThat(MarkdownLinks.slug("5. Replay it in CI")).isEqualTo("5-replay-it-in-ci");
        assertThat(MarkdownLinks.slug("`replay` and `mock`: what's compared")).isEqualTo("replay-and-mock-whats-compared");
        assertThat(MarkdownLinks.slug("Forward proxy and the CA")).isEqualTo("forward-proxy-and-the-ca");
    }
}
