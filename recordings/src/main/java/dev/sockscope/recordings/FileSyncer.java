package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces written recording files to the disk every {@value #INTERVAL_MS} ms on a thread of its own, so that the
 * recorder never waits for an fsync and a power cut loses at most the last interval (plus the time the fsync takes on
 * a loaded disk). A file the writer is done with is closed at once and forced later by its path (an fsync writes the
 * file's cached bytes whichever descriptor asks): holding it open until its fsync ran out of descriptors ("Too many open
 * files") in storms of thousands of short sessions a second, as fsyncs fell behind.
 */
final class FileSyncer implements AutoCloseable {
    static final long INTERVAL_MS = 200;
    /** A round longer than this says so in the log (at most once a minute): the disk's fsyncs are behind. */
    private static final long SLOW_ROUND_NANOS = 2_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(FileSyncer.class);

    /** Open files with bytes the disk may not have yet, and their paths (to force by path should the writer close one). */
    private final Map<FileChannel, Path> unforced = new ConcurrentHashMap<>();
    /** Files closed by the writer with bytes the disk may not have yet, to be forced by path at the next round. */
    private final Queue<Path> toForce = new ConcurrentLinkedQueue<>();
    private final Consumer<Path> forceByPath;
    private final Thread thread;
    private volatile boolean running = true;
    /** What the thread waits on between rounds; {@link #close} wakes it. */
    private final Object tick = new Object();
    /** One round at a time: the last one, on the closing thread, waits for the thread's to end. */
    private final Object round = new Object();
    private long slowSaidAt = System.nanoTime() - 60_000_000_000L;

    FileSyncer() {
        this(FileSyncer::force);
    }

    /** With {@code forceByPath} in place of an fsync by path (tests see what is forced). */
    FileSyncer(Consumer<Path> forceByPath) {
        this.forceByPath = forceByPath;
        thread = new Thread(this::run, "sockscope-fsync");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code channel}, the file at {@code path}, has bytes the disk may not have yet. */
    void written(FileChannel channel, Path path) {
        unforced.put(channel, path);
    }

    /** Forces {@code channel} if it has unforced bytes, then closes it (the writer waits: a session deleted, a store closed). */
    void close(FileChannel channel) {
        try {
            if (unforced.remove(channel) != null) {
                channel.force(false);
            }
        } catch (IOException e) {
            LOG.debug("fsync before close: {}", e.getMessage());
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // what was written is in the OS's cache already
        }
    }

    /**
     * Closes {@code channel}, the file at {@code path}, now, and forces its bytes to the disk at the next round, within
     * the interval, so that the writer holds no descriptor for the fsync. (Should the syncer be forcing that channel at
     * this moment, the close waits for that one fsync.)
     */
    void closeLater(FileChannel channel, Path path) {
        boolean written = unforced.remove(channel) != null;
        try {
            channel.close();
        } catch (IOException ignored) {
            // what was written is in the OS's cache already
        }
        if (written) {
            toForce.add(path);
        }
    }

    /** How many closed files wait for their fsync. */
    int waiting() {
        return toForce.size();
    }

    /**
     * One round: forces every open file written since the last round, then every closed file queued before this round
     * began (once each; those queued meanwhile wait for the next round, so a storm cannot hold a round, and the open
     * files' next fsync, for good).
     */
    void syncAll() {
        synchronized (round) {
            long started = System.nanoTime();
            for (Map.Entry<FileChannel, Path> e : unforced.entrySet()) {
                FileChannel ch = e.getKey();
                if (!unforced.remove(ch, e.getValue())) {
                    continue;
                }
                try {
                    ch.force(false);
                } catch (ClosedChannelException closed) {
                    // closed by the writer after this round took it, before or during its fsync: forced by path instead
                    toForce.add(e.getValue());
                } catch (IOException ex) {
                    LOG.warn("cannot force a recording file to the disk: {}", ex.toString());
                }
            }
            List<Path> queued = new ArrayList<>();
            for (int n = toForce.size(); n > 0; n--) {
                Path p = toForce.poll();
                if (p == null) {
                    break;
                }
                queued.add(p);
            }
            // A path queued twice (closed, reopened, written and closed again) needs one fsync after both: this one.
            Set<Path> once = new LinkedHashSet<>(queued);
            for (Path p : once) {
                forceByPath.accept(p);
            }
            long took = System.nanoTime() - started;
            if (took > SLOW_ROUND_NANOS && started - slowSaidAt > 60_000_000_000L) {
                slowSaidAt = started;
                LOG.warn("forcing recording files to the disk took {} ms for {} closed files; {} more wait: the disk's fsyncs"
                        + " are behind, so a power cut would lose more than the last {} ms", took / 1_000_000, once.size(),
                        toForce.size(), INTERVAL_MS);
            }
        }
    }

    private static void force(Path path) {
        // Opened for writing, though nothing is written: some systems refuse to flush a file opened for reading only.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (NoSuchFileException gone) {
            // deleted since (retention, or the session removed): nothing left to keep
        } catch (IOException e) {
            LOG.warn("cannot force the recording file {} to the disk: {}", path, e.toString());
        }
    }

    private void run() {
        while (running) {
            synchronized (tick) {
                try {
                    if (running) {
                        tick.wait(INTERVAL_MS);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (running) {
                syncAll();
            }
        }
    }

    /**
     * Forces what is left and stops the thread. Not by interrupting it: an fsync interrupted closes its channel and
     * leaves its file unforced (seen as "cannot force … : null"); the thread is woken, and the last round here waits for
     * the thread's own to end. A caller's interrupt is kept for after that round.
     */
    @Override
    public void close() {
        running = false;
        synchronized (tick) {
            tick.notifyAll();
        }
        boolean interrupted = Thread.interrupted();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            syncAll();
            syncAll(); // what the first found closed during its open files' fsyncs
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
