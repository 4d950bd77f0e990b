package dev.sockscope.ui;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sockscope.proxy.testing.ChildProcess;

/**
 * {@code sockscope proxy} as a real separate JVM, as a user runs it: started, waited for until it prints its listen
 * line (within {@link ChildProcess#READY}), and destroyed with everything it started whatever happens (tests that use
 * it register {@link ChildProcess.Cleanup}).
 */
final class ProxyProcess implements AutoCloseable {
    private static final Pattern RELAYING = Pattern.compile("relaying ws://(\\S+) -> ");

    final ChildProcess child;
    final Process process;
    private final String listen;

    private ProxyProcess(ChildProcess child, String listen) {
        this.child = child;
        this.process = child.process();
        this.listen = listen;
    }

    static ProxyProcess start(Path db, URI upstream, String... extra) throws IOException, InterruptedException {
        return start(List.of(), db, upstream, extra);
    }

    /** With options for the JVM ({@code -Xmx...}). */
    static ProxyProcess start(List<String> jvmOptions, Path db, URI upstream, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("proxy", "--route", "127.0.0.1:0=" + upstream, "--db", db.toString(), "--ui", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        ChildProcess child = ChildProcess.start(command(jvmOptions, args));
        Matcher relaying = child.awaitLine(RELAYING, ChildProcess.READY); // destroys it and fails if it never says so
        return new ProxyProcess(child, relaying.group(1));
    }

    /** Any {@code sockscope} command as its own JVM, as a user or a script runs it. */
    static ProcessBuilder command(List<String> jvmOptions, List<String> args) {
        return ChildProcess.java(jvmOptions, Main.class.getName(), args);
    }

    /** A command's exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
    }

    /** Starts {@code sockscope args...} in its own JVM, stderr apart; {@link #finish} waits for it. */
    static ChildProcess launch(String... args) throws IOException {
        return ChildProcess.startKeepingErrors(command(List.of(), List.of(args)));
    }

    static Result finish(ChildProcess p) throws InterruptedException {
        int code = p.awaitExit(ChildProcess.FINISH);
        return new Result(code, p.output(), p.errors());
    }

    /** Everything it printed so far. */
    List<String> output() {
        return child.lines();
    }

    /** Waits for the proxy to exit by itself; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return child.awaitExit(timeout);
    }

    /** The inspector's address, as the proxy printed it. */
    URI inspector() throws InterruptedException {
        String line = child.awaitLine(Pattern.compile("^sockscope: inspector at (.+)$"), ChildProcess.READY).group(1);
        return URI.create(line.trim());
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://" + listen + pathAndQuery);
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it; returns the exit code. */
    int terminate() throws InterruptedException {
        return child.terminate(Duration.ofSeconds(60));
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() {
        child.close();
    }

    @Override
    public void close() {
        child.close();
    }
}
