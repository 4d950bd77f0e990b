package dev.sockscope.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.decode.spec.SpecException;
import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.SessionInfo;

/**
 * The decoders Sockscope can choose from, in the order detection tries them: the user's specs
 * ({@code --protocols DIR}), the user's plug-ins ({@code --plugins DIR}), then the built-in specs and the built-in Java
 * decoders (listed in this module's {@code META-INF/services/dev.sockscope.decode.ProtocolDecoder}). A user's decoder
 * named like a built-in replaces it.
 */
public final class ProtocolRegistry {
    private final List<ProtocolDecoder> decoders;
    private final Map<String, String> origins;
    private final List<String> replaced;

    private ProtocolRegistry(List<ProtocolDecoder> decoders, Map<String, String> origins, List<String> replaced) {
        this.decoders = List.copyOf(decoders);
        this.origins = Map.copyOf(origins);
        this.replaced = List.copyOf(replaced);
    }

    public static ProtocolRegistry builtIn() {
        return of(new SpecLoader().builtIn(), List.of());
    }

    /** Built-ins plus every spec file in {@code dirs}; a bad file fails the whole load with its name and line. */
    public static ProtocolRegistry load(List<Path> dirs) throws SpecException {
        try {
            return load(dirs, List.of());
        } catch (Plugins.PluginException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Built-ins, every spec file in {@code specDirs} and every plug-in jar in {@code pluginDirs}. */
    public static ProtocolRegistry load(List<Path> specDirs, List<Path> pluginDirs) throws SpecException, Plugins.PluginException {
        SpecLoader loader = new SpecLoader();
        List<ProtocolDecoder> user = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (Path dir : specDirs) {
            for (SpecLoader.Loaded loaded : loader.directoryWithFiles(dir)) {
                String previous = origins.put(loaded.spec().protocol(), "spec " + loaded.file());
                if (previous != null) {
                    throw new SpecException(loaded.file() + ": protocol '" + loaded.spec().protocol() + "' is defined twice among the"
                            + " spec files (also " + previous + ")");
                }
                user.add(new SpecDecoder(loaded.spec()));
            }
        }
        for (Plugins.Loaded p : Plugins.load(pluginDirs)) {
            String previous = origins.put(p.decoder().name(), "plug-in " + p.jar());
            if (previous != null) {
                throw new Plugins.PluginException("plug-in " + p.jar() + ": protocol '" + p.decoder().name()
                        + "' is defined twice (also " + previous + ")");
            }
            user.add(p.decoder());
        }
        return assemble(builtInDecoders(loader.builtIn()), user, origins);
    }

    /** A registry of these built-in and user specs (tests). */
    static ProtocolRegistry of(List<ProtocolSpec> builtIn, List<ProtocolSpec> user) {
        List<ProtocolDecoder> users = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (ProtocolSpec s : user) {
            users.add(new SpecDecoder(s));
            origins.put(s.protocol(), "spec");
        }
        return assemble(builtInDecoders(builtIn), users, origins);
    }

    /** A registry of exactly these decoders, tried in this order (tests, and programs that embed Sockscope). */
    public static ProtocolRegistry of(List<ProtocolDecoder> decoders) {
        Map<String, String> origins = new LinkedHashMap<>();
        decoders.forEach(d -> origins.put(d.name(), "given"));
        return new ProtocolRegistry(decoders, origins, List.of());
    }

    private static List<ProtocolDecoder> builtInDecoders(List<ProtocolSpec> specs) {
        List<ProtocolDecoder> out = new ArrayList<>();
        specs.forEach(s -> out.add(new SpecDecoder(s)));
        for (ServiceLoader.Provider<ProtocolDecoder> p : ServiceLoader.load(ProtocolDecoder.class, ProtocolRegistry.class.getClassLoader())
                .stream().toList()) {
            if (p.type().getClassLoader() == ProtocolRegistry.class.getClassLoader()) {
                out.add(p.get());
            }
        }
        return out;
    }

    private static ProtocolRegistry assemble(List<ProtocolDecoder> builtIn, List<ProtocolDecoder> user, Map<String, String> origins) {
        List<ProtocolDecoder> all = new ArrayList<>(user);
        Map<String, String> allOrigins = new LinkedHashMap<>(origins);
        List<String> replaced = new ArrayList<>();
        for (ProtocolDecoder d : builtIn) {
            if (user.stream().anyMatch(u -> u.name().equals(d.name()))) {
                replaced.add(d.name());
            } else {
                all.add(d);
                allOrigins.put(d.name(), "built in");
            }
        }
        return new ProtocolRegistry(all, allOrigins, replaced);
    }

    /**
     * This registry with {@code more} decoders tried first, each replacing a decoder of its name: decoders that need
     * the user's configuration (a protobuf descriptor set given on the command line) and so cannot be found by
     * {@link java.util.ServiceLoader} alone. {@code origin} says where they come from ({@code sockscope protocols}).
     */
    public ProtocolRegistry with(List<ProtocolDecoder> more, String origin) {
        List<ProtocolDecoder> all = new ArrayList<>(more);
        Map<String, String> allOrigins = new LinkedHashMap<>();
        more.forEach(d -> allOrigins.put(d.name(), origin));
        List<String> alsoReplaced = new ArrayList<>(replaced);
        for (ProtocolDecoder d : decoders) {
            if (more.stream().anyMatch(m -> m.name().equals(d.name()))) {
                alsoReplaced.add(d.name());
            } else {
                all.add(d);
                allOrigins.put(d.name(), origins.getOrDefault(d.name(), ""));
            }
        }
        return new ProtocolRegistry(all, allOrigins, alsoReplaced);
    }

    public List<ProtocolDecoder> decoders() {
        return decoders;
    }

    /** Where a decoder comes from: {@code built in}, {@code spec FILE}, {@code plug-in JAR}. */
    public String origin(String name) {
        return FallbackDecoder.NAME.equals(name) ? "built in" : origins.getOrDefault(name, "");
    }

    /** Built-in protocols that a user spec or plug-in replaced. */
    public List<String> replaced() {
        return replaced;
    }

    public Optional<ProtocolDecoder> find(String name) {
        for (ProtocolDecoder d : decoders) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The decoder a session was decoded with: a registered one, the fallback for {@code generic}, else empty. */
    public Optional<ProtocolDecoder> decoderOf(String protocol) {
        if (protocol == null) {
            return Optional.empty();
        }
        return FallbackDecoder.NAME.equals(protocol) ? Optional.of(FallbackDecoder.INSTANCE) : find(protocol);
    }

    /** Whether {@code --protocol NAME} names something: a decoder, or "generic" for no protocol decoding. */
    public boolean knows(String name) {
        return FallbackDecoder.NAME.equals(name) || find(name).isPresent();
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        decoders.forEach(d -> names.add(d.name()));
        names.add(FallbackDecoder.NAME);
        return names;
    }

    /** A decoder for one session, which picks a protocol and then keeps it, masking with this masker's key. */
    public SessionDecoder open(SessionInfo session, SecretMasker masker) {
        return new SessionDecoder(this, session, masker);
    }

    /** The same, masking under a key of this process alone (tags differ from another run's). */
    public SessionDecoder open(SessionInfo session) {
        return open(session, SecretMasker.ephemeral());
    }
}
