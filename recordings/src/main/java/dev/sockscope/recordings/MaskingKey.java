package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The folder's key for the tags of masked secrets ({@code DIR/sockscope.key}, 32 random bytes in hex, 0600): created
 * once by the first writer, the same for every later run so that a token masks the same way across sessions, and never
 * written anywhere else (not in the database, not in any output).
 */
final class MaskingKey {
    static final String FILE_NAME = "sockscope.key";

    private MaskingKey() {
    }

    /** The folder's key, created if it has none; only a writer (which holds the file exclusively) calls this. */
    static byte[] loadOrCreate(Path dir) throws IOException {
        Optional<byte[]> existing = load(dir);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        OwnerOnly.writeNew(tmp, (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /** The folder's key, if it has a readable one. */
    static Optional<byte[]> load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] key = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.UTF_8).trim());
            return key.length >= 16 ? Optional.of(key) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
