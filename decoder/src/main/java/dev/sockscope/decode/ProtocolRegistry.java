package dev.sockscope.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.decode.spec.SpecException;
import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.SessionInfo;

/**
 * The protocols Sockscope can decode: the built-in specs plus the user's ({@code --protocols DIR}). A user spec
 * with a built-in's name replaces it; user specs are tried first when detecting.
 */
public final class ProtocolRegistry {
    private final List<SpecDecoder> decoders;
    private final List<String> replaced;

    private ProtocolRegistry(List<SpecDecoder> decoders, List<String> replaced) {
        this.decoders = List.copyOf(decoders);
        this.replaced = List.copyOf(replaced);
    }

    public static ProtocolRegistry builtIn() {
        return of(new SpecLoader().builtIn(), List.of());
    }

    /** Built-ins plus every spec file in {@code dirs}; a bad file fails the whole load with its name and line. */
    public static ProtocolRegistry load(List<Path> dirs) throws SpecException {
        SpecLoader loader = new SpecLoader();
        List<ProtocolSpec> user = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path dir : dirs) {
            for (ProtocolSpec spec : loader.directory(dir)) {
                Path previous = seen.put(spec.protocol(), dir);
                if (previous != null) {
                    throw new SpecException(dir + ": protocol '" + spec.protocol() + "' is defined twice among the"
                            + " spec files (also in " + previous + ")");
                }
                user.add(spec);
            }
        }
        return of(loader.builtIn(), user);
    }

    static ProtocolRegistry of(List<ProtocolSpec> builtIn, List<ProtocolSpec> user) {
        List<SpecDecoder> all = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (ProtocolSpec s : user) {
            all.add(new SpecDecoder(s));
        }
        for (ProtocolSpec s : builtIn) {
            if (user.stream().anyMatch(u -> u.protocol().equals(s.protocol()))) {
                replaced.add(s.protocol());
            } else {
                all.add(new SpecDecoder(s));
            }
        }
        return new ProtocolRegistry(all, replaced);
    }

    public List<SpecDecoder> decoders() {
        return decoders;
    }

    /** Built-in protocols that a user spec replaced. */
    public List<String> replaced() {
        return replaced;
    }

    public Optional<SpecDecoder> find(String name) {
        return decoders.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Whether {@code --protocol NAME} names something: a spec, or "generic" for no protocol decoding. */
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
