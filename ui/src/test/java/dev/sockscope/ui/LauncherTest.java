package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.testing.ChildProcess;

/**
 * The {@code sockscope} launcher at the top of the repository, run by bash as a user would: through a symbolic link
 * from another folder, with JAVA_HOME and JAVA_OPTS. The jar it starts is a probe that prints what it was given.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class LauncherTest {
    private static final Path LAUNCHER = Path.of("../sockscope").toAbsolutePath().normalize();
    private static final Path REAL_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path tmp;
    Path app;

    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void install() throws IOException {
        assertThat(LAUNCHER).as("the launcher").isRegularFile().isExecutable();
        app = Files.createDirectories(tmp.resolve("checkout"));
        Files.copy(LAUNCHER, app.resolve("sockscope"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** A jar whose main class is {@link LauncherProbe}. */
    private static void probeJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    private Run run(Path script, Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("SOCKSCOPE_JAR");
        pb.environment().put("PATH", REAL_JAVA.getParent() + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        try (ChildProcess p = ChildProcess.startKeepingErrors(pb)) {
            int code = p.awaitExit(ChildProcess.FINISH);
            return new Run(code, Files.readString(out), Files.readString(err));
        }
    }

    @Test
    void runsTheBuiltJarThroughASymlinkFromAnotherFolderWithEveryArgumentAsGiven() throws Exception {
        Path jar = app.resolve("ui/target/sockscope.jar");
        probeJar(jar);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("sockscope"), app.resolve("sockscope"));
        Path elsewhere = Files.createDirectories(tmp.resolve("somewhere else"));

        Run r = run(link, elsewhere, Map.of(), "frames", "12", "--text", "two words", "", "*");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> !l.startsWith("jvm=")).toList()).containsExactly(
                "jar=" + jar.toRealPath(), "via=-", "opts=-,-", "cwd=" + elsewhere.toRealPath(),
                "arg=[frames]", "arg=[12]", "arg=[--text]", "arg=[two words]", "arg=[]", "arg=[*]");
    }

    @Test
    void honoursJavaHomeAndJavaOpts() throws Exception {
        probeJar(app.resolve("ui/target/sockscope.jar"));
        // A JAVA_HOME whose java says it was used, then runs the real one.
        Path javaHome = Files.createDirectories(tmp.resolve("jdk/bin")).getParent();
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexec '" + REAL_JAVA + "' -Dprobe.via=JAVA_HOME \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run r = run(app.resolve("sockscope"), tmp, Map.of("JAVA_HOME", javaHome.toString(), "JAVA_OPTS", " -Dprobe.a=1   -Dprobe.b=* "), "x");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("via=JAVA_HOME\n").contains("opts=1,*\n").contains("arg=[x]\n");
    }

    private static String jvm(Run r) {
        return r.out().lines().filter(l -> l.startsWith("jvm=")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
    }

    @Test
    void givesShortCommandsTheQuickCompilerAndTheBuildsClassDataArchiveWhenItIsTheJars() throws Exception {
        Path jar = app.resolve("ui/target/sockscope.jar");
        probeJar(jar);
        Run sessions = run(app.resolve("sockscope"), tmp, Map.of(), "sessions");
        assertThat(jvm(sessions)).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC").doesNotContain("SharedArchiveFile");
        assertThat(jvm(run(app.resolve("sockscope"), tmp, Map.of(), "proxy"))).doesNotContain("TieredStopAtLevel", "UseSerialGC");

        // An archive written after the jar is the build's: given. This one is no archive, and the JVM says nothing.
        Path archive = jar.resolveSibling("sockscope.jsa");
        Files.writeString(archive, "not a class-data archive");
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(built.toMillis() + 10_000));
        Run with = run(app.resolve("sockscope"), tmp, Map.of(), "frames", "1");
        assertThat(with.code()).as(with.err()).isZero();
        assertThat(with.err()).isEmpty();
        assertThat(jvm(with)).contains("-XX:SharedArchiveFile=" + archive.toRealPath());
        assertThat(with.out()).startsWith("jar=" + jar.toRealPath() + "\n");

        // A jar rebuilt since (the archive older than it) is run without.
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(built.toMillis() - 10_000));
        assertThat(jvm(run(app.resolve("sockscope"), tmp, Map.of(), "frames", "1"))).doesNotContain("SharedArchiveFile");
    }

    @Test
    void prefersAJarBesideItselfAndSaysHowToBuildWhenThereIsNone() throws Exception {
        Run none = run(app.resolve("sockscope"), tmp, Map.of(), "demo");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("sockscope: no sockscope.jar").contains("mvn -B -q package -DskipTests");

        probeJar(app.resolve("ui/target/sockscope.jar"));
        Path beside = app.resolve("sockscope.jar");
        probeJar(beside);
        Run r = run(app.resolve("sockscope"), tmp, Map.of());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("jar=" + beside.toRealPath() + "\n");
    }

    @Test
    void saysWhenThereIsNoJava() throws Exception {
        probeJar(app.resolve("ui/target/sockscope.jar"));
        Run r = run(app.resolve("sockscope"), tmp, Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("sockscope: no java at " + tmp.resolve("no-jdk/bin/java")).contains("JAVA_HOME");
    }
}
