package dev.sockscope.decode.binary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;

import dev.sockscope.decode.spec.SpecException;

/**
 * What {@code --protobuf [NAME=]FILE[:TYPES]} says: a decoder named NAME (default {@code protobuf}) reading messages of
 * the descriptor set FILE ({@code protoc --include_imports --descriptor_set_out=FILE}), of the message types TYPES:
 * <ul>
 *   <li>{@code pkg.Message}: every binary frame, both ways, is one;</li>
 *   <li>{@code client=pkg.Up,server=pkg.Down}: one type per direction (either may be left out);</li>
 *   <li>nothing (or a direction left out): each frame is read as the type of the set that reads it best, every field
 *       known and the most fields set ({@link ProtobufDecoder}).</li>
 * </ul>
 *
 * @param name   the decoder's name, what {@code --protocol} takes
 * @param file   the descriptor set file, as given
 * @param client the type of the client's frames, or null to guess
 * @param server the type of the server's frames, or null to guess
 * @param all    every message type of the set (nested ones too), in file order: the candidates of a guess
 */
public record ProtobufSchema(String name, Path file, Descriptor client, Descriptor server, List<Descriptor> all) {
    public static final String DEFAULT_NAME = "protobuf";
    private static final Pattern OPTION = Pattern.compile("^(?:([a-z][a-z0-9._-]*)=)?(.+?)(?::((?:client=|server=)?[A-Za-z_][\\w.]*"
            + "(?:,(?:client=|server=)[A-Za-z_][\\w.]*)?))?$");

    public ProtobufSchema {
        all = List.copyOf(all);
    }

    /** Reads the option's value: the descriptor set file and the types it names. */
    public static ProtobufSchema parse(String option) throws SpecException {
        Matcher m = OPTION.matcher(option.trim());
        if (!m.matches()) {
            throw new SpecException("--protobuf " + option + ": expected [NAME=]FILE[:pkg.Message] or [NAME=]FILE:client=pkg.Up,server=pkg.Down");
        }
        String name = m.group(1) == null ? DEFAULT_NAME : m.group(1);
        Path file = Path.of(m.group(2));
        Map<String, Descriptor> types = load(option, file);
        Descriptor client = null;
        Descriptor server = null;
        if (m.group(3) != null) {
            for (String part : m.group(3).split(",")) {
                if (part.startsWith("client=")) {
                    client = type(option, types, part.substring(7));
                } else if (part.startsWith("server=")) {
                    server = type(option, types, part.substring(7));
                } else {
                    client = type(option, types, part);
                    server = client;
                }
            }
        }
        if (types.isEmpty()) {
            throw new SpecException("--protobuf " + option + ": " + file + " holds no message type");
        }
        return new ProtobufSchema(name, file, client, server, new ArrayList<>(types.values()));
    }

    private static Descriptor type(String option, Map<String, Descriptor> types, String name) throws SpecException {
        String wanted = name.startsWith(".") ? name.substring(1) : name;
        Descriptor d = types.get(wanted);
        if (d == null) {
            List<String> known = new ArrayList<>(types.keySet());
            throw new SpecException("--protobuf " + option + ": no message type " + wanted + " in the descriptor set (it has "
                    + String.join(", ", known.subList(0, Math.min(known.size(), 12))) + (known.size() > 12 ? ", …" : "") + ")");
        }
        return d;
    }

    /** Every message type of the set by full name, in file order, nested types after their parent. */
    private static Map<String, Descriptor> load(String option, Path file) throws SpecException {
        FileDescriptorSet set;
        try {
            set = FileDescriptorSet.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new SpecException("--protobuf " + option + ": " + file + " is not a descriptor set (make one with protoc"
                    + " --include_imports --descriptor_set_out=" + file.getFileName() + " your.proto): " + e.getMessage());
        } catch (IOException e) {
            throw new SpecException("--protobuf " + option + ": cannot read " + file + ": " + e);
        }
        Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
        set.getFileList().forEach(f -> protos.put(f.getName(), f));
        Map<String, FileDescriptor> built = new HashMap<>();
        Map<String, Descriptor> types = new LinkedHashMap<>();
        for (FileDescriptorProto proto : set.getFileList()) {
            FileDescriptor fd = build(option, proto, protos, built, 0);
            for (Descriptor d : fd.getMessageTypes()) {
                add(d, types);
            }
        }
        return types;
    }

    private static FileDescriptor build(String option, FileDescriptorProto proto, Map<String, FileDescriptorProto> protos,
                                        Map<String, FileDescriptor> built, int depth) throws SpecException {
        FileDescriptor done = built.get(proto.getName());
        if (done != null) {
            return done;
        }
        if (depth > 100) {
            throw new SpecException("--protobuf " + option + ": the imports of " + proto.getName() + " go round in a circle");
        }
        List<FileDescriptor> deps = new ArrayList<>();
        for (String dep : proto.getDependencyList()) {
            FileDescriptorProto d = protos.get(dep);
            if (d == null) {
                throw new SpecException("--protobuf " + option + ": " + proto.getName() + " imports " + dep + ", which the set does not"
                        + " hold: make it with protoc --include_imports");
            }
            deps.add(build(option, d, protos, built, depth + 1));
        }
        try {
            FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
            built.put(proto.getName(), fd);
            return fd;
        } catch (DescriptorValidationException e) {
            throw new SpecException("--protobuf " + option + ": " + proto.getName() + " is not valid: " + e.getMessage());
        }
    }

    private static void add(Descriptor d, Map<String, Descriptor> types) {
        if (d.getOptions().getMapEntry()) {
            return;
        }
        types.put(d.getFullName(), d);
        d.getNestedTypes().forEach(n -> add(n, types));
    }

    /** For people: {@code chat.Envelope}, {@code client chat.Up, server chat.Down}, or {@code any type of the set}. */
    public String types() {
        if (client != null && client == server) {
            return client.getFullName();
        }
        if (client == null && server == null) {
            return "any message type of the set, guessed";
        }
        return "client " + (client == null ? "guessed" : client.getFullName()) + ", server " + (server == null ? "guessed" : server.getFullName());
    }
}
