package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A short command ({@code sockscope sessions}, …) runs from a command line built of that command alone: what it
 * prints for help, a bad option and the version is what the whole command line prints.
 */
class QuickPathTest {
    private record Printed(int code, String out, String err) {
    }

    private static Printed run(boolean quick, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        int code = (quick ? Main.commandLineFor(args, o, e) : Main.commandLine(o, e)).execute(args);
        o.flush();
        e.flush();
        return new Printed(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sessions", "frames", "protocols", "export", "ca"})
    void helpErrorsAndVersionAreTheWholeCommandLines(String command) {
        assertThat(Main.commandLineFor(new String[] {command}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands()).as("built alone").containsOnlyKeys(command);
        for (List<String> args : List.of(List.of(command, "--help"), List.of(command, "--no-such-option"), List.of(command, "--version"))) {
            String[] a = args.toArray(String[]::new);
            assertThat(run(true, a)).as("sockscope %s", String.join(" ", args)).isEqualTo(run(false, a));
        }
        assertThat(run(true, command, "--help").out()).startsWith("Usage: sockscope " + command);
    }
}
