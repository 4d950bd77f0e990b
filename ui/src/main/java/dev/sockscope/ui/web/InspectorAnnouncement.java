package dev.sockscope.ui.web;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.ui.views.Json;

/**
 * {@code DIR/sockscope.inspector}: where the inspector of the proxy recording into {@code DIR} listens, and its token,
 * so that {@code sockscope send} finds it without being told. Readable by the user alone; removed when the inspector
 * stops.
 *
 * @param url   the inspector's base address ({@code http://127.0.0.1:8081}, no trailing slash)
 * @param token the token its API requires, or null on loopback
 * @param pid   the proxy's process id
 */
public record InspectorAnnouncement(String url, String token, long pid) {
    public static final String FILE = "sockscope.inspector";

    /** Writes the announcement for {@code app} into {@code dir}; the returned handle removes it. */
    public static AutoCloseable write(Path dir, InspectorApp app, String token) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", app.baseUrl());
        body.put("token", token);
        body.put("pid", ProcessHandle.current().pid());
        Path file = dir.resolve(FILE);
        Path temp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(temp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(temp, Json.write(body), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return () -> Files.deleteIfExists(file);
    }

    /** The announcement in {@code dir}, if a proxy whose process is still alive wrote one. */
    public static Optional<InspectorAnnouncement> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode n = Json.MAPPER.readTree(Files.readString(file));
        InspectorAnnouncement a = new InspectorAnnouncement(n.path("url").asText(), n.hasNonNull("token") ? n.get("token").asText() : null,
                n.path("pid").asLong());
        return ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive).orElse(false) ? Optional.of(a) : Optional.empty();
    }
}
