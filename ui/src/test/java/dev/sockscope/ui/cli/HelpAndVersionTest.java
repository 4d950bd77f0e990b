package dev.sockscope.ui.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.sockscope.ui.Main;

/** What {@code sockscope --help} and {@code --version} print: whole sentences, and the version Maven built. */
class HelpAndVersionTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    /** The project's version as the parent pom declares it, which every module inherits. */
    private static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher m = Pattern.compile("<artifactId>sockscope-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).as("the parent pom's version").isTrue();
        return m.group(1);
    }

    @Test
    void versionIsTheMavenProjectVersion() throws Exception {
        assertThat(run("--version").strip()).isEqualTo("sockscope " + projectVersion());
    }

    @Test
    void everyCommandIsListedWithAWholeSentence() {
        String help = run("--help");
        List<String> entries = commandEntries(help);
        assertThat(entries).as("commands listed by --help").hasSizeGreaterThanOrEqualTo(12);
        for (String entry : entries) {
            assertThat(entry).as("the --help entry of a command ends a sentence, not mid-phrase").matches("(?s).*[.)]$");
        }
        assertThat(help.replaceAll("\\s+", " ")).contains("demo Starts simulators of the five built-in protocols (MAX, event chat, "
                + "maim_message, zavodchat with its two sockets, QQ-style push) with the proxy in front of each");
    }

    @Test
    void demosOwnHelpWrapsItsDescriptionAsOneParagraph() {
        String help = run("demo", "--help");
        List<String> lines = help.lines().dropWhile(l -> !l.startsWith("Starts simulators")).takeWhile(l -> !l.isBlank() && !l.startsWith(" ")).toList();
        assertThat(String.join(" ", lines)).endsWith("Ctrl-C stops it.");
        // Wrapped at the usage width (80), no line ends early because the text was split in the source: the longest
        // word of the description is shorter than 15 characters.
        for (String line : lines.subList(0, lines.size() - 1)) {
            assertThat(line.length()).as("a line of demo's description that ends early: %s", line).isGreaterThan(80 - 15);
        }
    }

    /** The text of each command in the Commands: section, wrapped lines joined. */
    private static List<String> commandEntries(String help) {
        List<String> entries = new ArrayList<>();
        boolean inCommands = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.startsWith("  ") && !line.startsWith("    ")) {
                entries.add(line.strip().replaceFirst("^\\S+\\s+", ""));
            } else if (inCommands && line.startsWith("    ")) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
            } else {
                inCommands = false;
            }
        }
        // picocli's own help command says "Display help information about the specified command." too.
        return entries;
    }
}
