package dev.sockscope.recordings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.Optional;

import org.h2.tools.Server;

/**
 * Shares an open recording database with other Sockscope processes on this machine: an H2 TCP server on
 * a loopback port, announced in {@code DIR/sockscope.server}. H2's AUTO_SERVER does the same but insists on
 * closing the database from its own shutdown hook, which could cut off the recorder's last writes.
 */
final class LocalServer {
    static final String ANNOUNCEMENT = "sockscope.server";

    private final Server server;
    private final Path announcement;

    private LocalServer(Server server, Path announcement) {
        this.server = server;
        this.announcement = announcement;
    }

    static LocalServer start(Path dir) throws SQLException, IOException {
        // Loopback only, and only databases that already exist.
        System.setProperty("h2.bindAddress", "127.0.0.1");
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifExists", "-tcpDaemon").start();
        Path file = dir.resolve(ANNOUNCEMENT);
        Path tmp = dir.resolve(ANNOUNCEMENT + ".tmp");
        String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/";
        Files.writeString(tmp, url + "\n" + ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new LocalServer(server, file);
    }

    /** The JDBC URL prefix of a live server for this folder, if a running process announced one. */
    static Optional<String> findLive(Path dir) {
        Path file = dir.resolve(ANNOUNCEMENT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            long pid = Long.parseLong(lines[1].trim());
            if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                String url = lines[0].trim();
                int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.length() - 1));
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return Optional.of(url);
                }
            }
        } catch (IOException | RuntimeException stale) {
            // A file left by a process that was killed: the database is free.
        }
        return Optional.empty();
    }

    void stop() {
        try {
            Files.deleteIfExists(announcement);
        } catch (IOException ignored) {
            // The next opener sees the process is gone and ignores the file.
        }
        server.stop();
    }
}
