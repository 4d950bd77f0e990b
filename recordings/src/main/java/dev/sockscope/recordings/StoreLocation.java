package dev.sockscope.recordings;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where a store is: a recordings folder (H2, one machine) or a PostgreSQL database (a team store). */
public sealed interface StoreLocation {

    /** The environment variable that names a file holding the database password (its first line). */
    String PASSWORD_FILE_VARIABLE = "SOCKSCOPE_DB_PASSWORD_FILE";

    /** A recordings folder: an H2 index and the sessions' recording files. */
    record Folder(Path directory) implements StoreLocation {
        @Override
        public String toString() {
            return directory.toString();
        }
    }

    /**
     * A PostgreSQL database shared by many proxies. The password is never part of the URL (a command line is visible to
     * every user of the machine): it comes from {@code PGPASSWORD} or the file named by {@value #PASSWORD_FILE_VARIABLE}.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host[:port]/db[?…]}, without user or password
     * @param password null for none (trust, peer or certificate authentication)
     */
    record Postgres(String jdbcUrl, String user, String password) implements StoreLocation {
        /** As {@code --db} takes it: {@code postgresql://USER@HOST[:PORT]/DB[?…]}, never with the password. */
        @Override
        public String toString() {
            return "postgresql://" + user + "@" + jdbcUrl.substring("jdbc:postgresql://".length());
        }
    }

    /**
     * {@code --db}'s value: {@code postgresql://[user@]host[:port]/db[?…]} or {@code jdbc:postgresql://…} is a team
     * store (user also from {@code PGUSER}, else the system user); anything else is a folder.
     */
    static StoreLocation parse(String text, Map<String, String> env) {
        String rest = text.startsWith("jdbc:postgresql://") ? text.substring("jdbc:".length()) : text;
        if (!rest.startsWith("postgresql://") && !rest.startsWith("postgres://")) {
            return new Folder(Path.of(text));
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a PostgreSQL URL: " + e.getMessage(), e);
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("a PostgreSQL store needs a host and a database: postgresql://HOST[:PORT]/DB");
        }
        String user = uri.getUserInfo();
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException("the database password does not go on the command line (every user of this"
                    + " machine can read it there): set PGPASSWORD or " + PASSWORD_FILE_VARIABLE + " instead");
        }
        if (user == null || user.isEmpty()) {
            user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
        }
        String url = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Postgres(url, user, password(env));
    }

    static StoreLocation parse(String text) {
        return parse(text, System.getenv());
    }

    private static String password(Map<String, String> env) {
        String file = env.get(PASSWORD_FILE_VARIABLE);
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the database password from " + file + " ("
                        + PASSWORD_FILE_VARIABLE + "): " + e.getMessage(), e);
            }
        }
        return env.get("PGPASSWORD");
    }
}
