package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.RetentionOutcome;
import dev.sockscope.recordings.RetentionPolicy;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope retention --db URL [--keep-days N] [--keep-size SIZE] | --keep-all}: a team store's retention policy. */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = {"Shows or sets a team store's retention policy: every proxy recording into it applies it (every 10"
                + " minutes): ended sessions older than --keep-days go, then the oldest ended sessions while the store's"
                + " recorded bytes are over --keep-size. Starred sessions and sessions a replay refers to are never"
                + " deleted. The options given are the whole policy. See docs/teams.md."})
public final class RetentionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Option(names = "--keep-days", paramLabel = "N", description = "Keep ended sessions N days (by when they ended), then delete them.")
    Integer days;

    @Option(names = "--keep-size", paramLabel = "SIZE", description = "Keep the store's recorded bytes (frame blocks and large"
            + " payloads as stored) under SIZE (5GiB, 500MiB, 64KiB or bytes) by deleting the oldest ended sessions first.")
    String size;

    @Option(names = "--keep-all", description = "Keep every session (no policy).")
    boolean all;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StoreLocation location = db.location();
        if (!(location instanceof StoreLocation.Postgres)) {
            spec.commandLine().getErr().println("sockscope: retention is a team store's policy (--db postgresql://…); a"
                    + " recordings folder keeps what you do not delete (see docs/teams.md#retention)");
            return 2;
        }
        RetentionPolicy policy = policy();
        // To set the policy, a writer that runs no retention round of its own (a proxy's would run at once, beside this
        // one, and this command would report what that round left to do); its lease ends dead proxies' open sessions.
        try (RecordingStore store = policy == null ? Stores.openReader(location)
                : PgRecordingStore.openMaintainer((StoreLocation.Postgres) location, Stores.hostName(), "sockscope retention")) {
            PgRecordingStore team = (PgRecordingStore) store;
            if (policy != null) {
                team.setRetentionPolicy(policy);
                report(out, policy, team.applyRetention());
            }
            RetentionPolicy now = team.retentionPolicy();
            out.println("sockscope: " + location + " keeps " + now.describe() + (now.keepsAll() ? ""
                    : "; never starred sessions nor those a replay refers to"));
            out.println("sockscope: it records " + approx(team.recordedBytes())
                    + " (frame blocks and large payloads as stored)");
        }
        out.flush();
        return 0;
    }

    /** The policy the options ask for; null when they ask for none (show the store's). */
    private RetentionPolicy policy() {
        if (all && (days != null || size != null)) {
            throw new ParameterException(spec.commandLine(), "--keep-all keeps everything: give it alone, or --keep-days"
                    + " and --keep-size without it");
        }
        if (all) {
            return RetentionPolicy.KEEP_ALL;
        }
        if (days == null && size == null) {
            return null;
        }
        try {
            return new RetentionPolicy(days, size == null ? null : RetentionPolicy.parseSize(size));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void report(PrintWriter out, RetentionPolicy policy, RetentionOutcome done) {
        out.println("sockscope: deleted " + done.deleted() + " sessions (" + done.deletedByAge() + " older than the policy, "
                + done.deletedBySize() + " for its size, " + approx(done.deletedBytes()) + "); kept "
                + done.keptStarred() + " starred and " + done.keptReplayed() + " that a replay refers to, which the policy"
                + " would otherwise have deleted");
        if (done.storeBytes() != null && policy.keepBytes() != null && done.storeBytes() > policy.keepBytes()) {
            out.println("sockscope: still over " + RetentionPolicy.formatSize(policy.keepBytes()) + " (" + approx(done.storeBytes())
                    + "): what is left is open, starred, or a session a replay refers to");
        }
    }

    /** A measured size for people: 41.3 MiB. */
    static String approx(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double n = bytes;
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", n, units[u]);
    }
}
