package dev.sockscope.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

/** {@code sockscope proxy} as a real separate JVM, as a user runs it. */
final class ProxyProcess implements AutoCloseable {
    private static final Pattern RELAYING = Pattern.compile("relaying ws://(\\S+) -> ");

    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    private final List<String> listens = new CopyOnWriteArrayList<>();

    private ProxyProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    Matcher m = RELAYING.matcher(line);
                    if (m.find()) {
                        listens.add(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "proxy-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ProxyProcess start(Path db, URI upstream, String... extra) throws IOException {
        return start(List.of(), db, upstream, extra);
    }

    /** With options for the JVM ({@code -Xmx...}). */
    static ProxyProcess start(List<String> jvmOptions, Path db, URI upstream, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("proxy", "--route", "127.0.0.1:0=" + upstream, "--db", db.toString(), "--ui", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        ProxyProcess p = new ProxyProcess(command(jvmOptions, args).redirectErrorStream(true).start());
        Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .failFast(() -> !p.process.isAlive())
                .until(() -> !p.listens.isEmpty());
        return p;
    }

    /** Any {@code sockscope} command as its own JVM, as a user or a script runs it. */
    static ProcessBuilder command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    /** A command's exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
    }

    /** Starts {@code sockscope args...} in its own JVM; {@link #finish} waits for it. */
    static Process launch(String... args) throws IOException {
        return command(List.of(), List.of(args)).start();
    }

    static Result finish(Process p) throws Exception {
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the command did not finish within 120 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Waits for the proxy to exit by itself; returns its exit code. */
    int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the proxy did not exit within " + timeout + "; output: " + output);
        }
        return process.exitValue();
    }

    /** The inspector's address, as the proxy printed it. */
    URI inspector() {
        return output.stream().filter(l -> l.startsWith("sockscope: inspector at ")).findFirst()
                .map(l -> URI.create(l.substring("sockscope: inspector at ".length()).trim()))
                .orElseThrow(() -> new AssertionError("no inspector address printed: " + output));
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://" + listens.get(0) + pathAndQuery);
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it; returns the exit code. */
    int terminate() throws InterruptedException {
        // Through the handle: Process.destroy() also closes our end of its output, and what it prints while stopping is lost.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the proxy did not stop within 60 s of SIGTERM; output: " + output);
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
