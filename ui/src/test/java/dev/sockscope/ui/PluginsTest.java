package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.proxy.jetty.SimulatorServer;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.ui.views.Json;

/**
 * The documented plug-in example ({@code docs/examples/decoder-plugin}) as a user builds it: its source compiled
 * against the decoder module's classes into a jar in a folder, loaded with {@code --plugins}, listed, chosen for a
 * real session through the real proxy, and used for every frame and for the trees read back; and a broken jar refused
 * with one line naming it.
 */
class PluginsTest {
    private static final Path EXAMPLE = Path.of("../docs/examples/decoder-plugin");

    @TempDir
    Path dir;

    /** The example's jar, built as its pom would: compiled against sockscope-decoder and Jackson, services file included. */
    private Path buildExample(Path plugins) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> sources;
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        String classpath = String.join(java.io.File.pathSeparator, location(ProtocolDecoder.class), location(JsonNode.class),
                location(com.fasterxml.jackson.core.JsonParser.class), location(com.fasterxml.jackson.annotation.JsonValue.class));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        List<String> options = List.of("--release", "17", "-classpath", classpath, "-d", classes.toString());
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean compiled = javac.getTask(errors, files, null, options, null, files.getJavaFileObjectsFromStrings(sources)).call();
            assertThat(compiled).as("the example compiles: %s", errors).isTrue();
        }
        Path jar = plugins.resolve("sockscope-phoenix-decoder-1.0.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes, classes);
            add(out, EXAMPLE.resolve("src/main/resources"), EXAMPLE.resolve("src/main/resources"));
        }
        return jar;
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void add(JarOutputStream out, Path root, Path from) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    /** A Phoenix endpoint as Phoenix.Socket answers with the V2 serializer: phx_reply to every ref, broadcasts to the topic. */
    private static final class PhoenixEndpoint implements Simulator<Void> {
        @Override
        public String name() {
            return "phoenix";
        }

        @Override
        public Void onOpen(Upgrade upgrade, Peer peer) {
            return null;
        }

        @Override
        public Void onText(Void state, Peer peer, String text) {
            try {
                JsonNode m = Json.MAPPER.readTree(text);
                String event = m.get(3).asText();
                ArrayNode reply = JsonNodeFactory.instance.arrayNode().add(m.get(0)).add(m.get(1)).add(m.get(2)).add("phx_reply");
                reply.addObject().put("status", "ok").putObject("response");
                peer.send(reply.toString());
                if (event.equals("new_msg")) {
                    peer.send(JsonNodeFactory.instance.arrayNode().addNull().addNull().add(m.get(2)).add("new_msg").add(m.get(4)).toString());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        }
    }

    private static String cli(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertThat(code).as("exit code of %s; stderr: %s", List.of(args), err).isEqualTo(expectedCode);
        return expectedCode == 0 ? out.toString() : err.toString();
    }

    @Test
    void theExamplePlugInIsCompiledLoadedChosenAndUsed() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = buildExample(plugins);

        String listed = cli(0, "protocols", "--plugins", plugins.toString());
        assertThat(listed).contains("phoenix", "Phoenix Channels (V2 JSON serializer)", "plug-in " + jar);
        assertThat(listed.indexOf("phoenix")).as("a plug-in is tried before the built-ins").isLessThan(listed.indexOf("max"));

        Path db = dir.resolve("db");
        ProtocolRegistry registry = ProtocolRegistry.load(List.of(), List.of(plugins));
        try (SimulatorServer endpoint = SimulatorServer.start("127.0.0.1", List.of(new PhoenixEndpoint()));
             ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, endpoint.uri("phoenix"))), RelayOptions.defaults(),
                     db, false, registry)) {
            URI socket = URI.create("ws://" + runtime.relay().boundRoutes().get(0).listen() + "/socket/websocket?vsn=2.0.0");
            TestClient client = TestClient.connect(socket, Map.of(), List.of());
            // As phoenix.js sends them: join with params, a heartbeat, a push.
            client.sendText("[\"3\",\"3\",\"room:lobby\",\"phx_join\",{\"token\":\"s3cr3t-phoenix-token\"}]");
            client.events.nextText();
            client.sendText("[null,\"4\",\"phoenix\",\"heartbeat\",{}]");
            client.events.nextText();
            client.sendText("[\"3\",\"5\",\"room:lobby\",\"new_msg\",{\"body\":\"hi\"}]");
            client.events.nextText();
            client.events.nextText();
            client.sendClose(1000, "bye");
            client.events.next();
            runtime.awaitRecorded(Duration.ofSeconds(20));
        }

        JsonNode session = Json.MAPPER.readTree(cli(0, "sessions", "--json", "--db", db.toString())).get(0);
        assertThat(session.get("protocol").asText()).isEqualTo("phoenix");
        assertThat(session.get("protocolReason").asText()).isEqualTo("handshake: path /socket/websocket with vsn=2");
        JsonNode frames = Json.MAPPER.readTree(cli(0, "frames", session.get("id").asText(), "--json", "--tree", "--db", db.toString(),
                "--plugins", plugins.toString()));
        List<String> rows = new ArrayList<>();
        frames.forEach(f -> rows.add(f.get("from").asText() + " " + f.get("label").asText() + " " + f.get("kind").asText() + " "
                + (f.path("correlatesWith").isMissingNode() || f.path("correlatesWith").isNull() ? "-" : "#" + f.get("correlatesWith").asText())));
        assertThat(rows).containsExactly("client phx_join request -", "server phx_join response #1", "client heartbeat heartbeat -",
                "server heartbeat heartbeat #3", "client new_msg request -", "server new_msg response #5", "server new_msg event -",
                "client close 1000 control -", "server close 1000 control -");
        assertThat(frames.get(6).get("summary").asText()).isEqualTo("room:lobby {\"body\":\"hi\"}");
        assertThat(frames.get(0).get("text").asText()).as("masked in the store").doesNotContain("s3cr3t-phoenix-token");
        assertThat(frames.get(0).get("decoded").get("topic").asText()).as("the plug-in's tree, read back").isEqualTo("room:lobby");
    }

    @Test
    void aPlugInThatCannotBeLoadedIsOneLineNamingItsJar() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("broken"));
        Path jar = plugins.resolve("broken-decoder.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.sockscope.decode.ProtocolDecoder"));
            out.write("org.example.Missing\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        String err = cli(1, "protocols", "--plugins", plugins.toString());
        assertThat(err.strip()).doesNotContain("\n").startsWith("sockscope: plug-in " + jar + ": cannot load its decoders: ")
                .contains("org.example.Missing");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty.resolve("nothing.jar")))) {
            out.putNextEntry(new JarEntry("README"));
            out.closeEntry();
        }
        assertThat(cli(1, "protocols", "--plugins", empty.toString()).strip())
                .isEqualTo("sockscope: plug-in " + empty.resolve("nothing.jar") + ": declares no decoder (it needs"
                        + " META-INF/services/dev.sockscope.decode.ProtocolDecoder naming its ProtocolDecoder classes)");
        assertThat(cli(1, "protocols", "--plugins", dir.resolve("nope").toString()).strip())
                .isEqualTo("sockscope: " + dir.resolve("nope") + ": not a folder (--plugins takes a folder of decoder jars)");
    }
}
