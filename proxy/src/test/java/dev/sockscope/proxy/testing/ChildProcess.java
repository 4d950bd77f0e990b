package dev.sockscope.proxy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A process a test starts (a proxy JVM, a Python peer, keytool, Chromium): its output read line by line as it comes,
 * a wait for a readiness line or its exit with a deadline that holds on a loaded machine, and its whole tree destroyed
 * whatever happens: by {@link #close}, when a wait fails, and after each test by {@link Cleanup} (register it with
 * {@code @ExtendWith(ChildProcess.Cleanup.class)}) for any a test left running.
 */
public final class ChildProcess implements AutoCloseable {
    /**
     * How long a process may take to say it is ready. A JVM printing its listen line took over 30 s at load 10 on
     * the 2-core machines the suite runs on; the deadline is there to fail a hung process, not to time a healthy one.
     */
    public static final Duration READY = Duration.ofSeconds(180);
    /** How long a short command (keytool, a client script) may take to finish. */
    public static final Duration FINISH = Duration.ofSeconds(300);

    private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicLong STARTED = new AtomicLong();

    private final long number = STARTED.incrementAndGet();
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> errorLines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Thread errorReader;

    private ChildProcess(String name, Process process, boolean separateErrors) {
        this.name = name;
        this.process = process;
        RUNNING.add(this);
        reader = readInto(process.getInputStream(), lines, name + "-output");
        errorReader = separateErrors ? readInto(process.getErrorStream(), errorLines, name + "-errors") : null;
    }

    private static Thread readInto(InputStream in, List<String> into, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Starts {@code command} with stderr merged into stdout. */
    public static ChildProcess start(ProcessBuilder command) throws IOException {
        return new ChildProcess(nameOf(command), command.redirectErrorStream(true).start(), false);
    }

    /** Starts {@code command} keeping stderr apart ({@link #errors}). */
    public static ChildProcess startKeepingErrors(ProcessBuilder command) throws IOException {
        return new ChildProcess(nameOf(command), command.redirectErrorStream(false).start(), true);
    }

    private static String nameOf(ProcessBuilder command) {
        return Path.of(command.command().get(0)).getFileName().toString();
    }

    /** A JVM of this test's Java with this test's class path, running {@code mainClass args...}. */
    public static ProcessBuilder java(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    /** A tool of this test's JDK ({@code keytool}). */
    public static ProcessBuilder jdkTool(String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", tool).toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs {@code command} to its end within {@link #FINISH}; fails, with its output, unless it exits with 0. */
    public static String run(ProcessBuilder command) throws IOException, InterruptedException {
        try (ChildProcess p = start(command)) {
            int code = p.awaitExit(FINISH);
            if (code != 0) {
                throw new AssertionError(p.name + " exited with " + code + ": " + p.output());
            }
            return p.output();
        }
    }

    public Process process() {
        return process;
    }

    /** Every line printed so far (stdout and stderr), in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String output() {
        return String.join("\n", lines);
    }

    /** What it printed on stderr, when started with {@link #startKeepingErrors}. */
    public String errors() {
        return String.join("\n", errorLines);
    }

    /**
     * The first match of {@code pattern} in a line, once one is printed; if none is within {@code deadline}, or the
     * process ends first, the process tree is destroyed and the test fails with what it printed.
     */
    public Matcher awaitLine(Pattern pattern, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int seen = 0;
        while (true) {
            List<String> now = lines;
            for (; seen < now.size(); seen++) {
                Matcher m = pattern.matcher(now.get(seen));
                if (m.find()) {
                    return m;
                }
            }
            if (!process.isAlive()) {
                reader.join(TimeUnit.SECONDS.toMillis(5));
                if (seen == lines.size()) {
                    close();
                    throw new AssertionError(name + " exited with " + process.exitValue() + " before printing a line matching /"
                            + pattern + "/: " + output());
                }
                continue;
            }
            if (System.nanoTime() > end) {
                close();
                throw new AssertionError(name + " printed no line matching /" + pattern + "/ within " + deadline.toSeconds()
                        + " s (destroyed): " + output());
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits for the process to exit by itself and returns its code; past {@code deadline} it is destroyed and the test fails. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError(name + " did not exit within " + deadline.toSeconds() + " s (destroyed): " + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        if (errorReader != null) {
            errorReader.join(TimeUnit.SECONDS.toMillis(5));
        }
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or a service manager sends it; the exit code, or a failure (and SIGKILL) past {@code deadline}. */
    public int terminate(Duration deadline) throws InterruptedException {
        // Through the handle: Process.destroy() also closes our end of its output, and what it prints while stopping is lost.
        process.toHandle().destroy();
        return awaitExit(deadline);
    }

    /** Destroys the process and everything it started, and waits for them to go. */
    @Override
    public void close() {
        RUNNING.remove(this);
        destroyTree(process.toHandle());
    }

    private static void destroyTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a process that does not go even on SIGKILL: nothing more a test can do
            }
        }
    }

    /**
     * Whatever a test's outcome, destroys after it every process it started and left running, and after the class
     * those its {@code @BeforeAll} started.
     */
    public static final class Cleanup implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
        private static final ExtensionContext.Namespace HERE = ExtensionContext.Namespace.create(Cleanup.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            context.getStore(HERE).put("before", STARTED.get());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            long before = context.getStore(HERE).getOrDefault("before", Long.class, 0L);
            destroyStartedAfter(before);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            destroyStartedAfter(0);
        }

        private static void destroyStartedAfter(long before) {
            for (ChildProcess p : List.copyOf(RUNNING)) {
                if (p.number > before) {
                    p.close();
                }
            }
        }
    }
}
