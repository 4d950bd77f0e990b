package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Python flood peer ({@code /peers/flood_peer.py}, Python {@code websockets} at its defaults: permessage-deflate)
 * as processes a test starts and stops: a server, and clients in one of its modes ({@code flood}, {@code probe}).
 * {@link #close} ends every one of them, whatever the test did.
 */
final class FloodPeers implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Process> started = new ArrayList<>();

    /** Starts a server and answers its address once it listens. */
    URI server() throws IOException {
        Process server = start("serve");
        String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(port).as("the Python server's port (is python3-websockets installed? .ci/run installs it)").matches("\\d+");
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** Starts a client in {@code mode} against {@code url} for {@code seconds}. */
    Process client(String mode, URI url, double seconds) throws IOException {
        return start(mode, url.toString(), String.valueOf(seconds));
    }

    /** A client's result line (JSON), once it finished within {@code waitSeconds}. */
    static JsonNode result(Process p, long waitSeconds) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(waitSeconds, TimeUnit.SECONDS)).as("the client finished: %s", out).isTrue();
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).as("the client's result line; its output:%n%s", out).startsWith("{");
        return JSON.readTree(last);
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python(), script().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static Path script() throws IOException {
        Path file = Files.createTempFile("flood_peer", ".py");
        try (var in = FloodPeers.class.getResourceAsStream("/peers/flood_peer.py")) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
        return file;
    }
}
