package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingDoctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope check}: what in a recordings folder is damaged, where, and what can be saved. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Reads every recording file and every row of the index of a recordings folder, and says what is"
                + " damaged, where, and what 'sockscope repair' would keep. Changes nothing.",
            "Exit status: 0 nothing damaged, 2 something damaged, 1 the folder could not be read."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RecordingDoctor.Report report = RecordingDoctor.check(db.directory());
        report.lines().forEach(out::println);
        out.println(report.damaged() ? "damaged: run 'sockscope repair --db " + db.directory() + "' to keep what is readable"
                : "nothing damaged");
        out.flush();
        return report.damaged() ? 2 : 0;
    }
}
