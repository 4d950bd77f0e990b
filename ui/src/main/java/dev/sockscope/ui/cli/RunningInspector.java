package dev.sockscope.ui.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.ui.views.Json;

/**
 * The inspector of the proxy (or demo) that records into a folder, as the command line reaches it: the proxy announces
 * it in {@code DIR/sockscope.inspector} (readable by the user alone: it holds the token when there is one), and
 * {@code replay}, {@code import} and {@code mock} run through it while that proxy holds the folder, as readers go
 * through its database server.
 */
final class RunningInspector {
    static final String ANNOUNCEMENT = "sockscope.inspector";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final long pid;

    private RunningInspector(String base, String token, long pid) {
        this.base = base;
        this.token = token;
        this.pid = pid;
    }

    /** Writes the announcement; closing the handle removes it. Failing to write costs only the command line's way in. */
    static AutoCloseable announce(Path dir, String baseUrl, String token) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", baseUrl);
        body.put("token", token);
        body.put("pid", ProcessHandle.current().pid());
        Path file = dir.resolve(ANNOUNCEMENT);
        Path tmp = dir.resolve(ANNOUNCEMENT + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, Json.write(body), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long mine = ProcessHandle.current().pid();
        return () -> {
            // Only our own: a proxy started on the folder after this one stopped may have announced itself since.
            Optional<RunningInspector> now = read(dir);
            if (now.isPresent() && now.get().pid == mine) {
                Files.deleteIfExists(file);
            }
        };
    }

    /** The inspector of a live process recording into {@code dir}; empty when none announced itself or it has died. */
    static Optional<RunningInspector> find(Path dir) {
        return read(dir).filter(r -> r.pid != ProcessHandle.current().pid()
                && ProcessHandle.of(r.pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** As {@link #find}, this process's own inspector included: {@code send} may talk to the proxy it runs in. */
    static Optional<RunningInspector> findAny(Path dir) {
        return read(dir).filter(r -> ProcessHandle.of(r.pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** The inspector at {@code baseUrl} ({@code http://HOST:PORT}), as named with {@code --ui}. */
    static RunningInspector at(String baseUrl, String token) {
        return new RunningInspector(baseUrl, token, -1);
    }

    private static Optional<RunningInspector> read(Path dir) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(dir.resolve(ANNOUNCEMENT), StandardCharsets.UTF_8));
            if (n == null || !n.path("url").isTextual() || !n.path("pid").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new RunningInspector(n.get("url").asText(), n.path("token").isTextual() ? n.get("token").asText() : null,
                    n.get("pid").asLong()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Where it listens, for messages. */
    String url() {
        return base;
    }

    long pid() {
        return pid;
    }

    /** An answer of the inspector: its status and its JSON body ({@code {"error": ...}} for a refusal). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    Answer post(String path, HttpRequest.BodyPublisher body, String contentType, Duration timeout) throws IOException, InterruptedException {
        return send(request(path, timeout).header("Content-Type", contentType).POST(body).build());
    }

    Answer postJson(String path, Object body, Duration timeout) throws IOException, InterruptedException {
        return post(path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/json", timeout);
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path, Duration.ofSeconds(15)).DELETE().build());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        return new Answer(r.statusCode(), body == null ? Json.MAPPER.createObjectNode() : body);
    }
}
