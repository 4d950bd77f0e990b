package dev.sockscope.decode.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.sockscope.decode.JsonPath;
import dev.sockscope.wire.Failures;

/**
 * Reads decoder specs from YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) files. A bad spec is
 * refused with the file, the line and the problem, so that a typo fails at start rather than as a silent
 * misreading of traffic.
 */
public final class SpecLoader {
    private static final String INDEX = "/dev/sockscope/protocols/index.txt";
    private final ObjectMapper yaml = configure(new YAMLMapper());
    private final ObjectMapper json = configure(new ObjectMapper());

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule paths = new SimpleModule("sockscope-spec-paths");
        paths.addKeyDeserializer(JsonPath.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                return JsonPath.parse(key);
            }
        });
        paths.addDeserializer(com.google.re2j.Pattern.class, new com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<>(com.google.re2j.Pattern.class) {
            @Override
            public com.google.re2j.Pattern deserialize(com.fasterxml.jackson.core.JsonParser p,
                                                       com.fasterxml.jackson.databind.DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                if (text == null) {
                    return (com.google.re2j.Pattern) ctxt.handleUnexpectedToken(com.google.re2j.Pattern.class, p);
                }
                try {
                    return com.google.re2j.Pattern.compile(text);
                } catch (com.google.re2j.PatternSyntaxException e) {
                    // RE2 matches in linear time, so it has no back references or look-arounds; its message says what it refused.
                    throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p,
                            "'" + text + "' is not a regular expression Sockscope can run (RE2 syntax): " + e.getMessage(),
                            text, com.google.re2j.Pattern.class);
                }
            }
        });
        return mapper.registerModule(paths)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The specs shipped in the jar, in the order of their index. */
    public List<ProtocolSpec> builtIn() {
        List<ProtocolSpec> specs = new ArrayList<>();
        try (InputStream index = SpecLoader.class.getResourceAsStream(INDEX)) {
            if (index == null) {
                throw new IllegalStateException("the built-in protocol index " + INDEX + " is missing from the jar");
            }
            for (String line : new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String name = line.trim();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                String resource = "/dev/sockscope/protocols/" + name;
                try (InputStream in = SpecLoader.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("built-in spec " + resource + " is listed but missing");
                    }
                    specs.add(read(in.readAllBytes(), name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in protocol specs: " + e.getMessage(), e);
        } catch (SpecException e) {
            throw new IllegalStateException("a built-in protocol spec is invalid: " + e.getMessage(), e);
        }
        return specs;
    }

    /** A spec and the file it came from. */
    public record Loaded(ProtocolSpec spec, Path file) {
    }

    /** Every {@code .yaml}, {@code .yml} and {@code .json} file in a folder, in name order. */
    public List<ProtocolSpec> directory(Path dir) throws SpecException {
        return directoryWithFiles(dir).stream().map(Loaded::spec).toList();
    }

    /** The same, each with its file. */
    public List<Loaded> directoryWithFiles(Path dir) throws SpecException {
        if (!Files.isDirectory(dir)) {
            throw new SpecException(dir + ": not a folder (--protocols takes a folder of spec files)");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(SpecLoader::isSpecFile).sorted().toList();
        } catch (IOException e) {
            throw new SpecException(dir + ": cannot list the folder: " + e.getMessage());
        }
        List<Loaded> specs = new ArrayList<>();
        for (Path file : files) {
            specs.add(new Loaded(file(file), file));
        }
        return specs;
    }

    public ProtocolSpec file(Path file) throws SpecException {
        try {
            return read(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read: " + e.getMessage());
        }
    }

    static boolean isSpecFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /** Parses one spec; {@code origin} names it in errors and picks the syntax by its extension. */
    public ProtocolSpec read(byte[] content, String origin) throws SpecException {
        ObjectMapper mapper = origin.toLowerCase(Locale.ROOT).endsWith(".json") ? json : yaml;
        try {
            ProtocolSpec spec = mapper.readValue(content, ProtocolSpec.class);
            if (spec == null) {
                throw new SpecException(origin + ": the file is empty");
            }
            return spec;
        } catch (JsonProcessingException e) {
            throw new SpecException(origin + describe(e, new String(content, java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new SpecException(origin + ": " + e.getMessage());
        }
    }

    /** ":LINE: problem (at path)" from whatever Jackson reported. */
    private static String describe(JsonProcessingException e, String content) {
        JsonLocation where = e.getLocation();
        int lineNr = where == null ? -1 : where.getLineNr();
        if (e instanceof UnrecognizedPropertyException u && lineNr > 0) {
            // The YAML parser has already moved past the key when Jackson notices it is unknown: find the key itself.
            lineNr = lineOfKey(content, u.getPropertyName(), lineNr);
        }
        String line = lineNr < 1 ? "" : " line " + lineNr;
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = new ArrayList<>();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            }
            known.sort(null);
            problem = "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")");
        } else {
            problem = problemOf(e);
        }
        String path = e instanceof JsonMappingException m ? pathOf(m) : "";
        return ":" + line + ": " + problem + (path.isEmpty() ? "" : " (at " + path + ")");
    }

    private static int lineOfKey(String content, String key, int reported) {
        String[] lines = content.split("\n", -1);
        java.util.regex.Pattern k = java.util.regex.Pattern.compile("(^|[\\s{,\"'-])" + java.util.regex.Pattern.quote(key) + "[\"']?\\s*:");
        for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
            if (k.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return reported;
    }

    /** The innermost message, without Jackson's location suffix and Java type names. */
    private static String problemOf(Throwable e) {
        String msg = Failures.rootCause(e) instanceof JsonProcessingException j && j.getOriginalMessage() != null
                ? j.getOriginalMessage() : Failures.rootMessage(e);
        // Jackson's messages name Java types; spec authors think in YAML.
        return msg.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.([A-Z][A-Za-z$]*)`", "$1").trim();
    }

    private static String pathOf(JsonMappingException m) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }
}
