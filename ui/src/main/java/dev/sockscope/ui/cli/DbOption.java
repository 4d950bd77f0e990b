package dev.sockscope.ui.cli;

import java.nio.file.Path;

import dev.sockscope.recordings.StoreLocation;

import picocli.CommandLine.Option;

/** {@code --db DIR}: where recordings live. Default: $SOCKSCOPE_DB, else ~/.sockscope/recordings. */
public final class DbOption {
    @Option(names = "--db", paramLabel = "DIR",
            description = "Recordings folder (default: $SOCKSCOPE_DB, else ~/.sockscope/recordings).")
    Path db;

    public Path directory() {
        if (db != null) {
            return db;
        }
        String env = System.getenv("SOCKSCOPE_DB");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".sockscope", "recordings");
    }

    /** The store to open. */
    public StoreLocation location() {
        return new StoreLocation.Folder(directory());
    }
}
