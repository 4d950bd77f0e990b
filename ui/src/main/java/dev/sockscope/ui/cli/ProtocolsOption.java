package dev.sockscope.ui.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.spec.SpecException;
import picocli.CommandLine.Option;

/** {@code --protocols DIR}: folders of user decoder specs, loaded beside the built-in ones. */
public final class ProtocolsOption {
    @Option(names = "--protocols", paramLabel = "DIR",
            description = "Load decoder specs (*.yaml, *.yml, *.json) from this folder as well as the built-in ones (repeatable).")
    List<Path> dirs = new ArrayList<>();

    /** The registry; a bad spec stops the command with the file, line and problem. */
    public ProtocolRegistry load() throws SpecException {
        return dirs.isEmpty() ? ProtocolRegistry.builtIn() : ProtocolRegistry.load(dirs);
    }
}
