package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope retention --db URL [--keep-days N | --keep-all]}: a team store's retention policy. */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = {"Shows or sets a team store's retention policy: every proxy recording into it deletes ended sessions"
                + " older than it (every 10 minutes), except sessions a replay refers to. See docs/teams.md."})
public final class RetentionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @ArgGroup(exclusive = true)
    Policy policy;

    static final class Policy {
        @Option(names = "--keep-days", paramLabel = "N", description = "Keep ended sessions N days (by when they ended), then delete them.")
        Integer days;

        @Option(names = "--keep-all", description = "Keep every session (no policy).")
        boolean all;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StoreLocation location = db.location();
        if (!(location instanceof StoreLocation.Postgres)) {
            spec.commandLine().getErr().println("sockscope: retention is a team store's policy (--db postgresql://…); a"
                    + " recordings folder keeps what you do not delete");
            return 2;
        }
        try (RecordingStore store = policy == null ? Stores.openReader(location) : Stores.openWriter(location)) {
            PgRecordingStore team = (PgRecordingStore) store;
            if (policy != null) {
                team.setRetentionDays(policy.all ? null : policy.days);
                int deleted = team.applyRetention();
                out.println("sockscope: deleted " + deleted + " sessions older than the policy");
            }
            out.println("sockscope: " + location + " keeps " + team.retentionDays().map(d -> "ended sessions " + d + " days"
                    + " (and those a replay refers to)").orElse("every session"));
        }
        out.flush();
        return 0;
    }
}
