package dev.sockscope.ui.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.sockscope.ui.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli-reference.md is what the code generates ({@link CliReference}), and docs/cli.md names no option the command
 * line does not have. Run with {@code -Dcli.reference.update=true} to rewrite the reference after changing a command.
 */
class CliReferenceTest {
    private static final Path REFERENCE = Path.of("../docs/cli-reference.md");
    private static final Path GUIDE = Path.of("../docs/cli.md");

    @Test
    void theCommittedReferenceIsWhatTheCodeGenerates() throws Exception {
        String generated = CliReference.markdown();
        if (Boolean.getBoolean("cli.reference.update")) {
            Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("docs/cli-reference.md exists; create it with: " + CliReference.REGENERATE).exists();
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/cli-reference.md differs from the command line's definitions; regenerate it with:\n  "
                        + CliReference.REGENERATE + "\nthen review the diff and commit it")
                .isEqualTo(generated);
    }

    @Test
    void theReferenceHasEveryCommandAndOption() {
        String generated = CliReference.markdown();
        CommandLine root = Main.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        for (CommandLine command : root.getSubcommands().values()) {
            assertThat(generated).contains("\n## " + command.getCommandSpec().qualifiedName() + "\n");
            for (OptionSpec o : command.getCommandSpec().options()) {
                assertThat(generated).contains("| `" + String.join(", ", o.names()));
            }
        }
    }

    @Test
    void theGuideNamesOnlyOptionsThatExist() throws Exception {
        Set<String> known = new TreeSet<>();
        CommandLine root = Main.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        root.getCommandSpec().options().forEach(o -> known.addAll(Set.of(o.names())));
        root.getSubcommands().values().forEach(c -> c.getCommandSpec().options().forEach(o -> known.addAll(Set.of(o.names()))));
        Set<String> named = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*").matcher(Files.readString(GUIDE));
        while (m.find()) {
            named.add(m.group());
        }
        assertThat(named).as("options docs/cli.md names").isNotEmpty();
        assertThat(known).as("options of the command line").containsAll(named);
    }
}
