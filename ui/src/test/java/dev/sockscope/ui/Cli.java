package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in-process, as a user would type it. */
final class Cli {
    private Cli() {
    }

    /** What a command printed; fails on a non-zero exit, showing stderr. */
    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertThat(code).as("exit code of %s; stderr: %s", List.of(args), err).isZero();
        return out.toString();
    }
}
