package dev.sockscope.ui.cli;

import java.nio.file.Path;
import java.util.Optional;

import dev.sockscope.recordings.StoreLocation;

import picocli.CommandLine.Option;

/**
 * {@code --db DIR|URL}: where recordings live: a folder, or a team store on PostgreSQL (docs/teams.md). Default:
 * $SOCKSCOPE_DB, else ~/.sockscope/recordings.
 */
public final class DbOption {
    @Option(names = "--db", paramLabel = "STORE",
            description = "Where recordings live: a folder, or a team store: postgresql://[USER@]HOST[:PORT]/DB (password from $PGPASSWORD"
                    + " or the file named by $SOCKSCOPE_DB_PASSWORD_FILE). Default: $SOCKSCOPE_DB, else ~/.sockscope/recordings.")
    String db;

    /** The store to open. */
    public StoreLocation location() {
        if (db != null) {
            return StoreLocation.parse(db);
        }
        String env = System.getenv("SOCKSCOPE_DB");
        if (env != null && !env.isBlank()) {
            return StoreLocation.parse(env);
        }
        return new StoreLocation.Folder(Path.of(System.getProperty("user.home"), ".sockscope", "recordings"));
    }

    /** The recordings folder, for a command that works on a folder only (a team store is refused, saying so). */
    public Path directory() {
        return folder().orElseThrow(() -> new IllegalArgumentException("this command works on a recordings folder, not on"
                + " the team store " + location() + " (see docs/teams.md)"));
    }

    /** The recordings folder, when the store is one. */
    public Optional<Path> folder() {
        return location() instanceof StoreLocation.Folder f ? Optional.of(f.directory()) : Optional.empty();
    }

    /**
     * The inspector of the proxy that holds the folder, if one runs (commands then work through it). A team store is
     * held by no process: commands open it themselves.
     */
    Optional<RunningInspector> runningInspector() {
        return folder().flatMap(RunningInspector::find);
    }
}
