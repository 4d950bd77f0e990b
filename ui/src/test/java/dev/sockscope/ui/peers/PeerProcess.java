package dev.sockscope.ui.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer script running in its own process: its standard output collected line by line (a reader thread, so a full
 * pipe never stalls it), its standard error kept for failure messages, its standard input held open (a server
 * script exits when it closes). Closing destroys the process and everything it started.
 */
final class PeerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final StringBuilder err = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.outReader = reader(name + "-out", true);
        this.errReader = reader(name + "-err", false);
    }

    private Thread reader(String threadName, boolean stdout) {
        Thread t = new Thread(() -> pump(stdout), threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static PeerProcess start(String name, Path dir, List<String> command) throws IOException {
        return new PeerProcess(name, new ProcessBuilder(command).directory(dir.toFile()).start());
    }

    /** Writes one line to its standard input (a script that takes commands). */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    private void pump(boolean stdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (this) {
                    if (stdout) {
                        out.add(line);
                    } else {
                        err.append(line).append('\n');
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; what it printed is kept
        }
    }

    /** Waits for the first output line that matches, failing with the output so far after {@code timeout}. */
    synchronized String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : out) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0 || !process.isAlive() && !outReader.isAlive()) {
                throw new IllegalStateException(name + ": the expected line did not come within " + timeout
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "\n" + describe());
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    /** The port of a server's {@code listening PORT} line. */
    int awaitPort(Duration timeout) throws InterruptedException {
        return Integer.parseInt(awaitLine(l -> l.startsWith("listening "), timeout).substring("listening ".length()).trim());
    }

    /** Waits for the process to exit and its output to be read; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeout + "\n" + describe());
        }
        outReader.join(timeout.toMillis());
        errReader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Closes its standard input (a server script's signal to exit) and waits for it. */
    int stop(Duration timeout) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        return awaitExit(timeout);
    }

    synchronized List<String> output() {
        return List.copyOf(out);
    }

    /** Its output without the tap lines, and its standard error: what a failure message needs. */
    synchronized String describe() {
        StringBuilder s = new StringBuilder("--- " + name + " stdout (tap lines left out):\n");
        out.stream().filter(l -> !l.startsWith("{\"tap\"")).forEach(l -> s.append(l).append('\n'));
        return s.append("--- ").append(name).append(" stderr:\n").append(err).toString();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
