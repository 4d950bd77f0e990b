package dev.sockscope.recordings;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for tests. With {@code -Dsockscope.pg.url=jdbc:postgresql://HOST:PORT/DB} (user from
 * {@code -Dsockscope.pg.user}, else postgres; password from PGPASSWORD) the tests use that server, each in a database
 * of its own that it creates (the user needs CREATEDB) and drops at {@link #close}. Otherwise a throwaway cluster of Debian's {@code postgresql}
 * binaries is created in a temporary folder, on a free loopback port, as user {@code nobody} when run as root (initdb
 * refuses root), and stopped and removed by {@link #close}. Without either, the test is skipped, saying why.
 */
public final class PostgresServer implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String baseUrl;
    private final String user;
    private final Path folder;
    private final Path bin;
    private final List<String> asUser;
    private final List<String> created = new ArrayList<>();

    private PostgresServer(String baseUrl, String user, Path folder, Path bin, List<String> asUser) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.folder = folder;
        this.bin = bin;
        this.asUser = asUser;
    }

    public static PostgresServer start() throws Exception {
        String url = System.getProperty("sockscope.pg.url");
        if (url != null && !url.isBlank()) {
            return new PostgresServer(url.replaceAll("/[^/?]*(\\?.*)?$", "/"), System.getProperty("sockscope.pg.user", "postgres"),
                    null, null, List.of());
        }
        Optional<Path> bin = binaries();
        Assumptions.assumeTrue(bin.isPresent(), "no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb): install Debian's"
                + " postgresql package, or point the tests at a server with -Dsockscope.pg.url=jdbc:postgresql://HOST:PORT/DB");
        Path folder = Files.createTempDirectory("sockscope-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> asUser = root ? List.of("runuser", "-u", "nobody", "--") : List.of();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/", "postgres", folder, bin.get(), asUser);
        try {
            if (root) {
                run(List.of("chown", "nobody", folder.toString()));
            }
            server.runAs(List.of(bin.get().resolve("initdb").toString(), "-D", folder.resolve("data").toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-sync"));
            server.runAs(List.of(bin.get().resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-o",
                    "-p " + port + " -k " + folder + " -h 127.0.0.1 -F", "-l", folder.resolve("log").toString(), "-w", "-t", "60",
                    "start"));
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private static Optional<Path> binaries() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder());
        }
    }

    /** A new, empty database on the server, for one store. */
    public StoreLocation.Postgres newDatabase() throws SQLException {
        String name = "sockscope_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(baseUrl + "postgres", user, System.getenv("PGPASSWORD"));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        created.add(name);
        return new StoreLocation.Postgres(baseUrl + name, user, System.getenv("PGPASSWORD"));
    }

    @Override
    public void close() {
        if (folder == null) {
            dropCreated(); // another's server: leave it as it was
            return;
        }
        try {
            if (Files.exists(folder.resolve("data/postmaster.pid"))) {
                runAs(List.of(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-m", "immediate",
                        "-w", "-t", "30", "stop"));
            }
        } catch (Exception e) {
            System.err.println("cannot stop the test PostgreSQL in " + folder + ": " + e.getMessage());
        } finally {
            try (Stream<Path> all = Files.walk(folder)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("cannot remove " + folder + ": " + e.getMessage());
            }
        }
    }

    private void dropCreated() {
        try (Connection c = DriverManager.getConnection(baseUrl + "postgres", user, System.getenv("PGPASSWORD"));
             Statement st = c.createStatement()) {
            for (String name : created) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("cannot drop the test databases " + created + ": " + e.getMessage());
        }
    }

    private void runAs(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(asUser);
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes(); // the commands end by themselves (pg_ctl -t bounds its wait)
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(out));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * One throwaway server for a test class: {@code @RegisterExtension static final PostgresServer.PerClass PG = new
     * PostgresServer.PerClass();} starts it before the class's tests (or skips them, as {@link #start()} says) and
     * stops it after them, whatever happened.
     */
    public static final class PerClass implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {
        private PostgresServer server;

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            server = start();
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            if (server != null) {
                server.close();
            }
        }

        /** A new, empty database on the class's server. */
        public StoreLocation.Postgres newDatabase() throws SQLException {
            return server.newDatabase();
        }
    }
}
