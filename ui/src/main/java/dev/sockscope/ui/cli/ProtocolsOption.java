package dev.sockscope.ui.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.sockscope.decode.Plugins;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.spec.SpecException;
import picocli.CommandLine.Option;

/**
 * {@code --protocols DIR} (folders of user decoder specs) and {@code --plugins DIR} (folders of decoder jars), loaded
 * beside the built-in decoders by every command that decodes.
 */
public final class ProtocolsOption {
    @Option(names = "--protocols", paramLabel = "DIR",
            description = "Load decoder specs (*.yaml, *.yml, *.json) from this folder as well as the built-in ones (repeatable).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Load decoders written in Java from the jars in this folder (found with ServiceLoader; repeatable).")
    List<Path> plugins = new ArrayList<>();

    /** The registry; a bad spec stops the command with the file, line and problem, a bad plug-in with its jar. */
    /** Whether the user gave specs or plug-ins (which a command running inside another process cannot use). */
    boolean given() {
        return !dirs.isEmpty() || !plugins.isEmpty();
    }

    public ProtocolRegistry load() throws SpecException, Plugins.PluginException {
        return dirs.isEmpty() && plugins.isEmpty() ? ProtocolRegistry.builtIn() : ProtocolRegistry.load(dirs, plugins);
    }

    /**
     * The registry when first asked for, for a command that may not need it: parsing the built-in specs was a third of
     * what {@code frames} cost, and it reads decodings stored by the recorder. Specs of {@code --protocols} and jars of
     * {@code --plugins} are still loaded now, so that a bad one stops the command before anything is read.
     */
    public Supplier<ProtocolRegistry> lazily() throws SpecException, Plugins.PluginException {
        if (!dirs.isEmpty() || !plugins.isEmpty()) {
            ProtocolRegistry loaded = load();
            return () -> loaded;
        }
        return new Supplier<>() {
            private ProtocolRegistry builtIn;

            @Override
            public synchronized ProtocolRegistry get() {
                if (builtIn == null) {
                    builtIn = ProtocolRegistry.builtIn();
                }
                return builtIn;
            }
        };
    }
}
