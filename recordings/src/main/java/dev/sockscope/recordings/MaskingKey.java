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

    /**
     * The folder's key, created if it has none; only a writer (which holds the file exclusively) calls this. A key file
     * that exists but cannot be read, or does not hold a key, is an error, never replaced: a new key would silently make
     * every masked tag of the earlier sessions stop matching.
     */
    static byte[] loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return read(file);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        OwnerOnly.writeNew(tmp, (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /**
     * The folder's key, for a reader: empty for a folder made before keys existed. A key that cannot be read is said
     * once in the log (the reader then masks under a key of its own, so its tags do not match the folder's).
     */
    static Optional<byte[]> load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(file));
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(MaskingKey.class).warn("{}; masked values shown here are tagged under a key of"
                    + " this process's own, so they do not match the recording's tags", e.getMessage());
            return Optional.empty();
        }
    }

    private static byte[] read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IOException("the folder's masking key " + file + " cannot be read (" + e + "); it is never replaced"
                    + " silently, since a new key would stop every masked tag of the earlier sessions from matching: restore its"
                    + " permissions, or move it away to start a new key", e);
        }
        byte[] key;
        try {
            key = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length < 16) {
            throw new IOException("the folder's masking key " + file + " does not hold a key (" + text.length() + " characters,"
                    + " not the hex of 32 bytes); it is never replaced silently, since a new key would stop every masked tag of"
                    + " the earlier sessions from matching: restore it, or move it away to start a new key");
        }
        return key;
    }
}
