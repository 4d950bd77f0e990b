package dev.sockscope.recordings;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders readable by their owner alone (0600, 0700), on file systems that have POSIX permissions; on
 * others (Windows) this does nothing and the folder's own access rules apply.
 */
final class OwnerOnly {
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    static boolean supported(Path path) {
        try {
            return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates {@code dir} (and missing parents) with the folder's own permissions 0700. */
    static void createFolder(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (parent != null && supported(parent)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER));
        } else {
            Files.createDirectory(dir);
        }
    }

    /**
     * Makes an existing recordings folder 0700 when it holds nothing but recordings (a folder made by an older
     * version); a folder with other things in it (a home, a project) keeps its permissions, and so does one this user
     * may not change.
     */
    static void tightenFolder(Path dir, String... ours) throws IOException {
        if (!supported(dir)) {
            return;
        }
        try (var entries = Files.list(dir)) {
            boolean onlyOurs = entries.allMatch(p -> {
                String name = p.getFileName().toString();
                for (String prefix : ours) {
                    if (name.startsWith(prefix)) {
                        return true;
                    }
                }
                return false;
            });
            if (onlyOurs && !Files.getPosixFilePermissions(dir).equals(FOLDER)) {
                Files.setPosixFilePermissions(dir, FOLDER);
            }
        } catch (java.nio.file.AccessDeniedException e) {
            // not ours to change
        }
    }

    /** Sets 0600 on a file that exists. */
    static void restrict(Path file) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && supported(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** Writes a new file that is 0600 from its creation (never readable by others, not even for a moment). */
    static void writeNew(Path file, byte[] content) throws IOException {
        FileAttribute<?>[] attributes = supported(file.getParent())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        try (OutputStream out = Files.newOutputStream(Files.createFile(file, attributes), StandardOpenOption.WRITE)) {
            out.write(content);
        }
    }
}
