package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

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
    private static final Logger LOG = LoggerFactory.getLogger(FileSyncer.class);

    private final Set<FileChannel> unforced = ConcurrentHashMap.newKeySet();
    /** Files closed by the writer with bytes the disk may not have yet, to be forced by path at the next round. */
    private final Queue<Path> toForce = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** What the thread waits on between rounds; {@link #close} wakes it. */
    private final Object tick = new Object();

    FileSyncer() {
        thread = new Thread(this::run, "sockscope-fsync");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code channel} has bytes the disk may not have yet. */
    void written(FileChannel channel) {
        unforced.add(channel);
    }

    /** Forces {@code channel} if it has unforced bytes, then closes it. */
    void close(FileChannel channel) {
        try {
            if (unforced.remove(channel)) {
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
     * the interval, so that the writer waits for no fsync and holds no descriptor for one.
     */
    void closeLater(FileChannel channel, Path path) {
        boolean written = unforced.remove(channel);
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

    /** Forces every file written since the last time, open or closed. */
    void syncAll() {
        for (FileChannel ch : unforced) {
            unforced.remove(ch);
            try {
                ch.force(false);
            } catch (ClosedChannelException closed) {
                // closed by the writer meanwhile, which handed its path over if it wrote after this round took it
            } catch (IOException e) {
                LOG.warn("cannot force a recording file to the disk: {}", e.toString());
            }
        }
        Set<Path> seen = new HashSet<>();
        Path path;
        while (!Thread.currentThread().isInterrupted() && (path = toForce.poll()) != null) {
            if (seen.add(path)) {
                force(path);
            }
        }
    }

    private void force(Path path) {
        // Opened for writing, though nothing is written: some systems refuse to flush a file opened for reading only.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (NoSuchFileException gone) {
            // deleted since (retention, or the session removed): nothing left to keep
        } catch (java.nio.channels.ClosedByInterruptException e) {
            toForce.add(path); // for the last round, on the thread that closes the syncer
            Thread.currentThread().interrupt();
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
     * leaves its file unforced (seen as "cannot force … : null"); the thread is woken and finishes its round instead.
     */
    @Override
    public void close() {
        running = false;
        synchronized (tick) {
            tick.notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncAll();
    }
}
