package dev.sockscope.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/** The Maven project's version, written into {@code version.properties} by the build's resource filtering. */
public final class BuildVersion {
    private BuildVersion() {
    }

    /** The version, or empty when the class path holds no filtered {@code version.properties} (not built by Maven). */
    public static Optional<String> get() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? Optional.empty() : Optional.of(v);
    }
}
