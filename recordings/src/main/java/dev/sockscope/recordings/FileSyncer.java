package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces written recording files to the disk every {@value #INTERVAL_MS} ms on a thread of its own, so that the
 * recorder never waits for an fsync and a power cut loses at most the last interval (plus the time the fsync takes on
 * a loaded disk). A file closed by the writer is forced first if it has unforced bytes.
 */
final class FileSyncer implements AutoCloseable {
    static final long INTERVAL_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(FileSyncer.class);

    private final Set<FileChannel> unforced = ConcurrentHashMap.newKeySet();
    /** Files the writer no longer appends to, to be forced (if written) and closed at the next round. */
    private final Queue<FileChannel> toClose = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

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
     * Forces {@code channel} if it has unforced bytes and closes it at the next round, within the interval, so that the
     * writer does not wait for the fsync.
     */
    void closeLater(FileChannel channel) {
        toClose.add(channel);
    }

    /** Forces every file written since the last time, then closes those handed to {@link #closeLater}. */
    void syncAll() {
        List<FileChannel> closing = new ArrayList<>();
        for (FileChannel ch = toClose.poll(); ch != null; ch = toClose.poll()) {
            closing.add(ch);
        }
        for (FileChannel ch : unforced) {
            unforced.remove(ch);
            try {
                ch.force(false);
            } catch (ClosedChannelException closed) {
                // closed by the writer meanwhile, which forced it first
            } catch (IOException e) {
                LOG.warn("cannot force a recording file to the disk: {}", e.getMessage());
            }
        }
        closing.forEach(this::close);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                break;
            }
            syncAll();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncAll();
    }
}
