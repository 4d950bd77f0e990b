package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.RecordingDoctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope repair}: keeps what is readable of a damaged recordings folder. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Keeps what is readable of a damaged recordings folder: a recording file is rewritten with its"
                + " readable records (resynchronising past a damaged one; the damaged file is kept beside it as"
                + " ID.seg.damaged-TIME), a damaged index is moved aside (sockscope.mv.db.damaged-TIME) and built anew from"
                + " the recording files, and the index is caught up. Needs the folder alone: stop the proxy first.",
            "Exit status: 0 repaired, 2 damage is left that could not be repaired, 1 the folder could not be repaired."})
public final class RepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RecordingDoctor.Report report = RecordingDoctor.repair(db.directory());
        report.lines().forEach(out::println);
        out.println(report.damaged() ? "damage is left: see the lines above" : "repaired");
        out.flush();
        return report.damaged() ? 2 : 0;
    }
}
