package dev.sockscope.proxy.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules files of a run ({@code --rules FILE}, repeatable) behind a {@link RuleEngine}: loaded at start (a bad file
 * stops the start), reloaded when one changes (its modification time or size polled), and replaced from the API. A bad
 * reload keeps the last good rules running and says so: in the log and in {@link #lastError}.
 */
public final class RuleFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleFiles.class);
    /** How often the files are looked at: a saved edit applies within this. */
    public static final Duration POLL = Duration.ofMillis(500);

    private final List<Path> files;
    private final RuleEngine engine;
    private final RuleLoader loader = new RuleLoader();
    private final List<Stamp> stamps = new ArrayList<>();
    private volatile String lastError;
    private volatile Consumer<String> say = LOG::info;
    private ScheduledExecutorService watcher;
    /** Run once before the first rules given through {@link #replaceText} apply (to attach the engine then); or null. */
    private Runnable beforeFirstEdit;

    private record Stamp(FileTime modified, long size) {
    }

    private RuleFiles(List<Path> files, RuleEngine engine) {
        this.files = List.copyOf(files);
        this.engine = engine;
    }

    /** Loads every file into {@code engine}; a bad one is refused here, before anything runs. */
    public static RuleFiles load(List<Path> files, RuleEngine engine) throws RuleFileException {
        RuleFiles f = new RuleFiles(files, engine);
        synchronized (f) {
            f.stamps.addAll(f.stampAll());
            engine.replace(f.readAll());
        }
        return f;
    }

    public RuleEngine engine() {
        return engine;
    }

    public List<Path> files() {
        return files;
    }

    /** Why the last reload or edit was refused (the rules before it still run), or null when the last one loaded. */
    public String lastError() {
        return lastError;
    }

    /** Where reloads are reported (default: the log); the command line prints them. */
    public void reportTo(Consumer<String> out) {
        this.say = out;
    }

    /**
     * Runs {@code attach} once, before rules given through {@link #replaceText} first apply: a run without rules files
     * adds its engine to the relay only then, so that until then the relay asks no source but the breakpoints.
     */
    public synchronized void beforeFirstEdit(Runnable attach) {
        this.beforeFirstEdit = attach;
    }

    /** Starts looking at the files every {@link #POLL}. */
    public synchronized void watch() {
        if (watcher == null && !files.isEmpty()) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sockscope-rules-watch");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads when a file's time or size changed since it was last read; true when it reloaded (well or not). */
    public synchronized boolean reloadIfChanged() {
        List<Stamp> now = stampAll();
        if (now.equals(stamps)) {
            return false;
        }
        stamps.clear();
        stamps.addAll(now);
        try {
            List<Rule> next = readAll();
            engine.replace(next);
            lastError = null;
            say.accept("sockscope: rules reloaded: " + next.size() + " rules from " + names());
        } catch (RuleFileException e) {
            lastError = e.getMessage();
            say.accept("sockscope: rules NOT reloaded, the previous rules still run: " + e.getMessage());
        }
        return true;
    }

    /**
     * Replaces the rules with {@code text} (the API's edit): checked first, then written to the one rules file (so a
     * restart keeps it), or kept in memory when the run has no file. Refused, with the reason, when it does not load
     * or when there are several files (which one would it be?).
     */
    public synchronized List<Rule> replaceText(String text) throws RuleFileException {
        if (files.size() > 1) {
            throw new RuleFileException("this run has " + files.size() + " rules files (" + names() + "): edit them on disk");
        }
        Path file = files.isEmpty() ? null : files.get(0);
        String origin = file == null ? "rules.yaml" : file.toString();
        List<Rule> next = loader.read(text.getBytes(StandardCharsets.UTF_8), origin,
                file == null ? null : file.toAbsolutePath().getParent());
        if (file != null) {
            try {
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".rules", ".tmp");
                Files.writeString(tmp, text);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new RuleFileException(file + ": cannot write: " + e.getMessage());
            }
            stamps.clear();
            stamps.addAll(stampAll());
        }
        if (beforeFirstEdit != null) {
            beforeFirstEdit.run();
            beforeFirstEdit = null;
        }
        engine.replace(next);
        lastError = null;
        return next;
    }

    /** The text of the one rules file, for the editor; empty with none (or several, joined). */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            try {
                out.append(Files.readString(f));
            } catch (IOException e) {
                out.append("# cannot read ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    private List<Rule> readAll() throws RuleFileException {
        List<Rule> all = new ArrayList<>();
        for (Path f : files) {
            for (Rule r : loader.file(f)) {
                for (Rule seen : all) {
                    if (seen.name().equals(r.name())) {
                        throw new RuleFileException(r.origin() + ":" + r.line() + ": rule '" + r.name() + "': also in "
                                + seen.origin() + ":" + seen.line() + " (names are unique across the rules files)");
                    }
                }
                all.add(r);
            }
        }
        return all;
    }

    private List<Stamp> stampAll() {
        List<Stamp> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(new Stamp(Files.getLastModifiedTime(f), Files.size(f)));
            } catch (IOException e) {
                out.add(new Stamp(null, -1));
            }
        }
        return out;
    }

    private String names() {
        return String.join(", ", files.stream().map(Objects::toString).toList());
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }
}
