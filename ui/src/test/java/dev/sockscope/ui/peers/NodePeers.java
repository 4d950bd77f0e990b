package dev.sockscope.ui.peers;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The npm peers in {@code ui/src/test/node/peers}: the real client and server libraries of the protocols, pinned by
 * its {@code package-lock.json}. Installs them with {@code npm ci} once when {@code node_modules} is missing or older
 * than the lock file (under a file lock, so parallel test JVMs install once), and starts their scripts.
 */
final class NodePeers {
    static final Path DIR = Path.of("src/test/node/peers").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** graphql-ws 6 and aedes 1 declare node >= 20. */
    static final int MIN_NODE = 20;
    private static boolean installed;

    private NodePeers() {
    }

    /** Fails with a clear message when node or npm is missing; installs node_modules when needed. */
    static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (installed) {
            return;
        }
        if (!Files.isRegularFile(DIR.resolve("package-lock.json"))) {
            throw new IllegalStateException("no npm peers at " + DIR + " (run the tests from the ui module's folder)");
        }
        String node = version("node");
        String npm = version("npm");
        int major = Integer.parseInt(node.replaceFirst("^v", "").split("\\.")[0]);
        if (major < MIN_NODE) {
            throw new IllegalStateException("node " + node + " is too old for the peers (graphql-ws 6 and aedes 1 need node "
                    + MIN_NODE + " or newer)");
        }
        Path marker = DIR.resolve("node_modules/.package-lock.json");
        Path lockFile = Files.createDirectories(Path.of("target")).resolve("npm-peers.lock").toAbsolutePath();
        try (FileChannel channel = new RandomAccessFile(lockFile.toFile(), "rw").getChannel(); FileLock lock = channel.lock()) {
            if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(DIR.resolve("package-lock.json"))) < 0) {
                Path log = Files.createTempFile("npm-ci", ".log");
                Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    if (!p.waitFor(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("npm ci in " + DIR + " took longer than 5 minutes; its output: " + log);
                    }
                    if (p.exitValue() != 0) {
                        throw new IllegalStateException("npm ci in " + DIR + " failed (node " + node + ", npm " + npm + "):\n" + Files.readString(log));
                    }
                } finally {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
        installed = true;
    }

    private static String version(String tool) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + tool + " --version' failed");
            }
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            throw new IllegalStateException(tool + " is not installed: these tests run the protocols' real npm libraries "
                    + "(Debian: apt-get install nodejs npm; .ci/run installs them)", e);
        }
    }

    /** Starts {@code node --require ./lib/tap.js SCRIPT ARGS...} in the peers folder. */
    static PeerProcess start(String name, String script, String... args) throws IOException, InterruptedException {
        ensureInstalled();
        List<String> command = new ArrayList<>(List.of("node", "--require", "./lib/tap.js", script));
        command.addAll(List.of(args));
        return PeerProcess.start(name, DIR, command);
    }

    /** The installed version of an npm package, e.g. {@code socket.io 4.8.4}. */
    static String version(String... packages) {
        List<String> out = new ArrayList<>();
        for (String p : packages) {
            try {
                out.add(p + " " + JSON.readTree(DIR.resolve("node_modules").resolve(p).resolve("package.json").toFile()).path("version").asText());
            } catch (IOException e) {
                out.add(p + " (not installed)");
            }
        }
        return String.join(", ", out);
    }
}
