package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Forces every file written since the last time. */
    void syncAll() {
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
