package dev.sockscope.ui.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.sockscope.decode.Plugins;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.binary.ProtobufDecoder;
import dev.sockscope.decode.binary.ProtobufSchema;
import dev.sockscope.decode.spec.SpecException;
import picocli.CommandLine.Option;

/**
 * {@code --protocols DIR} (folders of user decoder specs), {@code --plugins DIR} (folders of decoder jars) and
 * {@code --protobuf FILE.desc} (protobuf schemas), loaded beside the built-in decoders by every command that decodes.
 */
public final class ProtocolsOption {
    @Option(names = "--protocols", paramLabel = "DIR",
            description = "Load decoder specs (*.yaml, *.yml, *.json) from this folder as well as the built-in ones (repeatable).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Load decoders written in Java from the jars in this folder (found with ServiceLoader; repeatable).")
    List<Path> plugins = new ArrayList<>();

    @Option(names = "--protobuf", paramLabel = "[NAME=]FILE[:TYPE]",
            description = {"Decode binary frames as Protocol Buffers of this descriptor set (protoc --include_imports"
                    + " --descriptor_set_out=FILE): TYPE is pkg.Message for both directions, or client=pkg.Up,server=pkg.Down;"
                    + " without it each frame is read as the set's type that fits it best. Adds a decoder called NAME"
                    + " (default: protobuf) for --protocol, also chosen when a session's first binary frame reads as the schema"
                    + " (repeatable, with a NAME each). Give it to ui and frames too, to see the trees of what was recorded."})
    List<String> protobuf = new ArrayList<>();

    /** The registry; a bad spec stops the command with the file, line and problem, a bad plug-in with its jar. */
    /** Whether the user gave specs or plug-ins (which a command running inside another process cannot use). */
    boolean given() {
        return !dirs.isEmpty() || !plugins.isEmpty();
    }

    public ProtocolRegistry load() throws SpecException, Plugins.PluginException {
        ProtocolRegistry registry = dirs.isEmpty() && plugins.isEmpty() ? ProtocolRegistry.builtIn() : ProtocolRegistry.load(dirs, plugins);
        List<ProtobufSchema> schemas = new ArrayList<>();
        for (String option : protobuf) {
            ProtobufSchema schema = ProtobufSchema.parse(option);
            if (schemas.stream().anyMatch(s -> s.name().equals(schema.name()))) {
                throw new SpecException("--protobuf " + option + ": a second schema called " + schema.name()
                        + "; give each a name of its own (--protobuf NAME=FILE...)");
            }
            schemas.add(schema);
        }
        // Added in reverse, each tried before the ones added before it: the first --protobuf is tried first.
        for (int i = schemas.size() - 1; i >= 0; i--) {
            ProtobufSchema schema = schemas.get(i);
            registry = registry.with(List.of(new ProtobufDecoder(schema)), "--protobuf " + schema.file());
        }
        return registry;
    }

    /**
     * The registry when first asked for, for a command that may not need it: parsing the built-in specs was a third of
     * what {@code frames} cost, and it reads decodings stored by the recorder. Specs of {@code --protocols}, jars of
     * {@code --plugins} and schemas of {@code --protobuf} are still loaded now, so that a bad one stops the command before anything is read.
     */
    public Supplier<ProtocolRegistry> lazily() throws SpecException, Plugins.PluginException {
        if (!dirs.isEmpty() || !plugins.isEmpty() || !protobuf.isEmpty()) {
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
