package dev.sockscope.decode;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Decoders written in Java and packaged as jars ({@code --plugins DIR}): every {@code *.jar} in the folder is opened in
 * a class loader of its own (beside Sockscope's classes) and its {@link ProtocolDecoder}s are found with
 * {@link ServiceLoader}, by the jar's {@code META-INF/services/dev.sockscope.decode.ProtocolDecoder}. A jar that cannot
 * be loaded stops the command with one line naming it.
 */
public final class Plugins {
    private static final String SERVICES = "META-INF/services/" + ProtocolDecoder.class.getName();

    /** A decoder and the jar it came from. */
    public record Loaded(ProtocolDecoder decoder, Path jar) {
    }

    /** A plug-in that cannot be used; the message names the jar and the problem. */
    public static final class PluginException extends Exception {
        public PluginException(String message) {
            super(message);
        }
    }

    private Plugins() {
    }

    /** The decoders of every jar in these folders, folders in order and jars by name. */
    public static List<Loaded> load(List<Path> dirs) throws PluginException {
        List<Loaded> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new PluginException(dir + ": not a folder (--plugins takes a folder of decoder jars)");
            }
            List<Path> jars;
            try (Stream<Path> list = Files.list(dir)) {
                jars = list.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
            } catch (IOException e) {
                throw new PluginException(dir + ": cannot list the folder: " + e.getMessage());
            }
            for (Path jar : jars) {
                out.addAll(jar(jar));
            }
        }
        return out;
    }

    private static List<Loaded> jar(Path jar) throws PluginException {
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("plug-in " + jar + ": " + e.getMessage());
        }
        // Never closed: the decoders' classes are used for as long as the process runs.
        URLClassLoader loader = new URLClassLoader("sockscope-plugin " + jar.getFileName(), new URL[] {url},
                ProtocolDecoder.class.getClassLoader());
        List<Loaded> out = new ArrayList<>();
        try {
            if (loader.findResource(SERVICES) == null) {
                throw new PluginException("plug-in " + jar + ": declares no decoder (it needs " + SERVICES
                        + " naming its ProtocolDecoder classes)");
            }
            for (ServiceLoader.Provider<ProtocolDecoder> p : ServiceLoader.load(ProtocolDecoder.class, loader).stream().toList()) {
                if (p.type().getClassLoader() != loader) {
                    continue; // Sockscope's own decoders, seen through the parent loader
                }
                ProtocolDecoder d = p.get();
                String name = d.name();
                if (name == null || name.isBlank()) {
                    throw new PluginException("plug-in " + jar + ": decoder " + p.type().getName() + " has no name");
                }
                out.add(new Loaded(d, jar));
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PluginException("plug-in " + jar + ": cannot load its decoders: " + oneLine(e.getMessage())
                    + (cause != e ? " (" + oneLine(cause.toString()) + ")" : ""));
        }
        if (out.isEmpty()) {
            throw new PluginException("plug-in " + jar + ": " + SERVICES + " names no decoder");
        }
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
