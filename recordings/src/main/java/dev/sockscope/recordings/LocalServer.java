package dev.sockscope.recordings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;

import org.h2.tools.Server;

/**
 * Shares an open recording database with other Sockscope processes on this machine: an H2 TCP server on a loopback
 * port, announced in {@code DIR/sockscope.server} (readable by the user alone). H2's AUTO_SERVER does the same but
 * insists on closing the database from its own shutdown hook, which could cut off the recorder's last writes.
 *
 * <p>What a connection needs, all random per run and written only to the announcement: the database's name on the
 * server (H2's {@code -key}: any other name, such as the file's path, is refused), and the password of a user that
 * may only SELECT from the recording tables (no writes, no {@code CREATE ALIAS}, no {@code SHUTDOWN}).
 */
final class LocalServer {
    static final String ANNOUNCEMENT = "sockscope.server";
    static final String READER_USER = "SOCKSCOPE_READER";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a reader reaches the server: JDBC URL, user and password. */
    record Announcement(String url, String user, String password, long pid) {
    }

    private final Server server;
    private final Path announcement;

    private LocalServer(Server server, Path announcement) {
        this.server = server;
        this.announcement = announcement;
    }

    /**
     * Starts the server for the database at {@code database} (the path H2 knows it by), after giving the reader user
     * a new password through {@code admin}, an embedded connection of the process that holds the file.
     */
    static LocalServer start(Path dir, Path database, Connection admin) throws SQLException, IOException {
        String password = random();
        String name = random();
        try (Statement st = admin.createStatement()) {
            st.execute("DROP USER IF EXISTS " + READER_USER);
            st.execute("CREATE USER " + READER_USER + " PASSWORD '" + password + "'");
            st.execute("GRANT SELECT ON sessions, frame_blocks, block_index, replays TO " + READER_USER);
        }
        admin.commit();
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifExists", "-tcpDaemon", "-key", name, database.toString()).start();
        Optional<InetAddress> bound = boundAddress(server);
        if (bound.isPresent() && !bound.get().isLoopbackAddress()) {
            server.stop();
            throw new IOException("H2 would listen on " + bound.get() + " rather than loopback only (the h2.bindAddress"
                    + " system property was read before Sockscope could set it); refusing to serve the recordings");
        }
        Path file = dir.resolve(ANNOUNCEMENT);
        Path tmp = dir.resolve(ANNOUNCEMENT + ".tmp");
        String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/" + name;
        String text = url + "\n" + ProcessHandle.current().pid() + "\n" + READER_USER + "\n" + password + "\n"
                + identity(dir) + "\n";
        try {
            Files.deleteIfExists(tmp);
            OwnerOnly.writeNew(tmp, text.getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            server.stop();
            throw e;
        }
        return new LocalServer(server, file);
    }

    private static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The address H2's server socket is bound to. H2 reads {@code h2.bindAddress} once, when its first class that
     * needs it loads, so setting the property can come too late; this looks at the socket itself. Empty when H2's
     * internals are not where they were (then the property, set before H2 is used, is all there is).
     */
    static Optional<InetAddress> boundAddress(Server server) {
        try {
            Object service = server.getService();
            var field = service.getClass().getDeclaredField("serverSocket");
            field.setAccessible(true);
            ServerSocket socket = (ServerSocket) field.get(service);
            return socket == null ? Optional.empty() : Optional.of(socket.getInetAddress());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * What tells this folder from a copy of it: its file key (device and inode on Unix) and real path. A copy has its own
     * inode, so a {@code sockscope.server} copied with the folder never sends the copy's readers to the original's server;
     * a folder moved while its proxy runs keeps its inode and still finds its server.
     */
    static String identity(Path dir) throws IOException {
        Object key = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        return key != null ? "folder " + key : "folder " + dir.toRealPath();
    }

    /**
     * Whether this folder's announcement was written for another folder: the folder is a copy made while its proxy was
     * running (a proxy that stops removes its announcement), so its index file is a snapshot H2 was in the middle of
     * writing and cannot be trusted (seen: a schema history ahead of its tables, a schema upgrade that never ends).
     */
    static boolean copiedWhileLive(Path dir) {
        Path file = dir.resolve(ANNOUNCEMENT);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            return lines.length >= 5 && !lines[4].trim().equals(identity(dir));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** How to reach a live server for this folder, if a running process announced one. */
    static Optional<Announcement> findLive(Path dir) {
        Path file = dir.resolve(ANNOUNCEMENT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] lines;
        long pid;
        String folder;
        try {
            lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            pid = Long.parseLong(lines[1].trim());
            folder = identity(dir);
        } catch (IOException e) {
            sayOnce(file + " cannot be read (" + e + "): taken as no running proxy; if one runs, opening the folder waits for it");
            return Optional.empty();
        } catch (RuntimeException e) {
            sayOnce(file + " is not a server announcement (" + e.getMessage() + "): ignored");
            return Optional.empty();
        }
        if (lines.length < 4) {
            return Optional.empty(); // written by a version before readers had their own user: not ours to use
        }
        if (lines.length < 5 || !lines[4].trim().equals(folder)) {
            noteForeign(file, lines.length < 5 ? "(it names no folder)" : "(it was written for " + lines[4].trim() + ")");
            return Optional.empty();
        }
        if (pid != ProcessHandle.current().pid() && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.empty(); // left by a process that was killed: the database is free
        }
        String url = lines[0].trim();
        int port;
        try {
            String hostPort = url.substring("jdbc:h2:tcp://".length(), url.indexOf('/', "jdbc:h2:tcp://".length()));
            port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        } catch (RuntimeException e) {
            sayOnce(file + " names no server port ('" + url + "'): ignored");
            return Optional.empty();
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return Optional.of(new Announcement(url, lines[2].trim(), lines[3].trim(), pid));
        } catch (IOException e) {
            // Alive but not answering: a reused pid, or a proxy too busy to accept within a second. Opening the
            // folder then meets the file lock if a proxy does hold it, and waits for it there.
            sayOnce("process " + pid + " announced the recordings server of " + dir + " on port " + port + ", but it does not"
                    + " answer (" + e.getMessage() + "): taken as no running proxy");
            return Optional.empty();
        }
    }

    private static final java.util.Set<String> SAID = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Logged once per process: findLive is asked every 50 ms while a folder is awaited. */
    private static void sayOnce(String message) {
        if (SAID.add(message)) {
            org.slf4j.LoggerFactory.getLogger(LocalServer.class).warn(message);
        }
    }

    /** Said once per file per process: readers ask for the server many times. */
    private static final java.util.Set<Path> NOTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void noteForeign(Path file, String why) {
        if (NOTED.add(file)) {
            org.slf4j.LoggerFactory.getLogger(LocalServer.class).warn("ignoring {}: it announces the server of another"
                    + " recordings folder {}, as a copy of a folder whose proxy was running carries; this folder is read"
                    + " from its own files", file, why);
        }
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
