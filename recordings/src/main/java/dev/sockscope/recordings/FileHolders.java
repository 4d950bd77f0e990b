package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which processes have a file open, for a message that says who holds a locked recordings folder ("in use by
 * process 4711: java … sockscope proxy --db rec") rather than only that someone does. Linux's {@code /proc} only;
 * elsewhere, or for other users' processes, nothing is found and the message says less.
 */
final class FileHolders {
    private FileHolders() {
    }

    /** The processes (pid and command line, this one marked) with {@code file} open; empty when none can be seen. */
    static List<String> of(Path file) {
        List<String> out = new ArrayList<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return out;
        }
        Path target;
        try {
            target = file.toRealPath();
        } catch (IOException e) {
            return out;
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path p : (Iterable<Path>) pids::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || !holds(p.resolve("fd"), target)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                String command = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
                if (command.length() > 160) {
                    command = command.substring(0, 160) + "…";
                }
                out.add("process " + pid + (pid == self ? " (this one" + ownThreads() + ")" : "") + ": " + command);
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /**
     * This process holding a folder it is opening is a defect: H2's threads (a database left open has its background
     * writer) and where they are, for the report.
     */
    private static String ownThreads() {
        StringBuilder b = new StringBuilder();
        for (var t : Thread.getAllStackTraces().entrySet()) {
            String name = t.getKey().getName();
            if (name.contains("MVStore") || name.contains("H2")) {
                StackTraceElement[] stack = t.getValue();
                b.append("; thread '").append(name).append("' at ")
                        .append(stack.length > 0 ? stack[0] + (stack.length > 1 ? " < " + stack[1] : "") : "?");
            }
        }
        return b.toString();
    }

    /** Whether a process's {@code fd} folder has a link to {@code target} (a real path). */
    static boolean holds(Path fds, Path target) {
        try (Stream<Path> links = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) links::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(target)) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // another user's process, or gone
        }
        return false;
    }
}
