package dev.sockscope.recordings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.secrets.SecretMasker;

/**
 * A long-lived reader of a recordings folder ({@code sockscope ui}) that gives the folder up to a proxy. Reading the
 * file itself locks it, so a proxy started on the folder would wait and then fail. A proxy that finds the file locked
 * asks for it ({@link H2Folder#HANDOVER_REQUEST}); this reader then closes the file, waits for the proxy to
 * serve the folder, and reads through the proxy's local server from then on. When that proxy stops, it opens the file
 * again. Calls made meanwhile wait for the new store (up to {@link #WAIT_MS}).
 */
public final class YieldingReader implements RecordingStore {
    private static final Logger LOG = LoggerFactory.getLogger(YieldingReader.class);
    static final long WATCH_MS = 200;
    static final long WAIT_MS = 20_000;

    private final Path directory;
    private final Thread watcher;
    /** The store calls go to; null while the folder is being handed over. */
    private H2RecordingStore current;
    private boolean served;
    /** The announcement of the proxy read through (its server's address), null when reading the file. */
    private String servedBy;
    private int inUse;
    private boolean closed;

    private YieldingReader(Path directory, H2RecordingStore first) {
        this.directory = directory;
        this.current = first;
        this.servedBy = LocalServer.findLive(directory).map(LocalServer.Announcement::url).orElse(null);
        this.served = servedBy != null;
        this.watcher = new Thread(this::watch, "sockscope-yield");
        watcher.setDaemon(true);
    }

    public static YieldingReader open(Path directory) throws RecordingException {
        H2RecordingStore first = H2RecordingStore.openReader(directory);
        YieldingReader reader = new YieldingReader(first.directory(), first);
        reader.watcher.start();
        return reader;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public String location() {
        return directory.toString();
    }

    /** Whether calls go through a running proxy's server (otherwise to the file, or nowhere during a handover). */
    public synchronized boolean throughProxy() {
        return current != null && served;
    }

    private void watch() {
        while (!isClosed()) {
            try {
                TimeUnit.MILLISECONDS.sleep(WATCH_MS);
                String proxy = LocalServer.findLive(directory).map(LocalServer.Announcement::url).orElse(null);
                boolean asked = H2Folder.handoverRequested(directory);
                boolean onFile = isOnFile();
                if (onFile && asked) {
                    LOG.info("a proxy is starting on {}: handing the recordings over to it", directory);
                    reopen(true);
                } else if (isServed() && !java.util.Objects.equals(proxy, servedBy())) {
                    LOG.info("the proxy on {} has stopped or been replaced: opening the recordings again", directory);
                    reopen(false);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("watching {} for a proxy: {}", directory, e.toString());
            }
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private synchronized boolean isOnFile() {
        return current != null && !served;
    }

    private synchronized boolean isServed() {
        return current != null && served;
    }

    private synchronized String servedBy() {
        return servedBy;
    }

    /** Closes the current store once no call uses it, then opens the folder again (after the proxy took it). */
    private void reopen(boolean waitForHandover) throws InterruptedException {
        H2RecordingStore old;
        synchronized (this) {
            old = current;
            current = null;
            try {
                while (inUse > 0) {
                    wait();
                }
            } finally {
                // also when interrupted (closing): the calls under way fail rather than the store being left open
                old.close();
            }
        }
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (waitForHandover && H2Folder.handoverRequested(directory)
                && System.currentTimeMillis() < deadline && !isClosed()) {
            TimeUnit.MILLISECONDS.sleep(WATCH_MS / 4);
        }
        while (!isClosed()) {
            try {
                // Waits for the proxy's server when the proxy holds the file, or opens the file when it does not.
                H2RecordingStore next = H2RecordingStore.openReader(directory);
                String nextServedBy = LocalServer.findLive(directory).map(LocalServer.Announcement::url).orElse(null);
                boolean nextServed = nextServedBy != null;
                synchronized (this) {
                    if (closed) {
                        next.close();
                        return;
                    }
                    current = next;
                    served = nextServed;
                    servedBy = nextServedBy;
                    notifyAll();
                }
                LOG.info("reading {} {}", directory, nextServed ? "through the proxy that records there" : "from the file");
                return;
            } catch (RecordingException e) {
                LOG.warn("cannot open {} again yet: {}", directory, e.getMessage());
                TimeUnit.MILLISECONDS.sleep(WATCH_MS);
            }
        }
    }

    private synchronized H2RecordingStore acquire() throws RecordingException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (current == null && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new RecordingException("the recordings in " + directory + " are being handed to the proxy starting"
                        + " there; try again in a moment", null);
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RecordingException("interrupted while the recordings were handed over", e);
            }
        }
        if (closed) {
            throw new RecordingException("the reader of " + directory + " is closed", null);
        }
        inUse++;
        return current;
    }

    private synchronized void release() {
        inUse--;
        notifyAll();
    }

    @FunctionalInterface
    private interface Read<T> {
        T on(H2RecordingStore store) throws RecordingException;
    }

    private <T> T read(Read<T> call) throws RecordingException {
        H2RecordingStore store = acquire();
        RecordingException failed;
        try {
            return call.on(store);
        } catch (RecordingException e) {
            if (!proxyStoppedUnder(store)) {
                throw e;
            }
            failed = e;
        } finally {
            release();
        }
        // The proxy that served this call stopped under it, before the watcher noticed: ask again once the watcher has
        // opened the folder anew, rather than answering a caller (the inspector's page) with a broken connection.
        H2RecordingStore next = acquireOtherThan(store, failed);
        try {
            return call.on(next);
        } finally {
            release();
        }
    }

    /** Whether {@code store} read through a proxy that is gone now (or has been replaced by the watcher already). */
    private boolean proxyStoppedUnder(H2RecordingStore store) {
        String live = LocalServer.findLive(directory).map(LocalServer.Announcement::url).orElse(null);
        synchronized (this) {
            return current != store || (served && !java.util.Objects.equals(live, servedBy));
        }
    }

    /** The store the watcher opened in place of {@code old}, waiting for it as long as a handover may take. */
    private synchronized H2RecordingStore acquireOtherThan(H2RecordingStore old, RecordingException failed) throws RecordingException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while ((current == null || current == old) && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw failed;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed;
            }
        }
        if (closed) {
            throw failed;
        }
        inUse++;
        return current;
    }

    @Override
    public SecretMasker masker() {
        try {
            return read(H2RecordingStore::masker);
        } catch (RecordingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long nextSessionId() {
        throw new UnsupportedOperationException("a reader records nothing");
    }

    @Override
    public void append(List<DecodedEvent> events) throws RecordingException {
        throw new RecordingException("a reader records nothing", null);
    }

    @Override
    public List<SessionRecord> sessions(int limit) throws RecordingException {
        return read(s -> s.sessions(limit));
    }

    @Override
    public Optional<SessionRecord> session(long id) throws RecordingException {
        return read(s -> s.session(id));
    }

    @Override
    public SessionPage sessions(SessionQuery query) throws RecordingException {
        return read(s -> s.sessions(query));
    }

    @Override
    public FramePage frames(long sessionId, FrameQuery query) throws RecordingException {
        return read(s -> s.frames(sessionId, query));
    }

    @Override
    public Optional<StoredFrame> frame(long sessionId, long seq) throws RecordingException {
        return read(s -> s.frame(sessionId, seq));
    }

    @Override
    public Optional<StoredFrame> answerTo(long sessionId, long requestSeq) throws RecordingException {
        return read(s -> s.answerTo(sessionId, requestSeq));
    }

    @Override
    public SessionStats stats(long sessionId, int maxBuckets) throws RecordingException {
        return read(s -> s.stats(sessionId, maxBuckets));
    }

    @Override
    public DeleteOutcome delete(long sessionId) throws RecordingException {
        return read(s -> s.delete(sessionId));
    }

    @Override
    public StarOutcome star(long sessionId, boolean starred) throws RecordingException {
        return read(s -> s.star(sessionId, starred));
    }

    @Override
    public void linkReplay(long replayId, long originalId) throws RecordingException {
        throw new RecordingException("a reader records nothing", null);
    }

    @Override
    public Optional<Long> replayOf(long sessionId) throws RecordingException {
        return read(s -> s.replayOf(sessionId));
    }

    @Override
    public List<Long> replaysOf(long sessionId) throws RecordingException {
        return read(s -> s.replaysOf(sessionId));
    }

    @Override
    public void close() {
        H2RecordingStore last;
        synchronized (this) {
            closed = true;
            notifyAll();
            long deadline = System.currentTimeMillis() + 2_000; // let calls under way finish
            while (inUse > 0 && System.currentTimeMillis() < deadline) {
                try {
                    wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            last = current;
            current = null;
        }
        watcher.interrupt();
        if (last != null) {
            last.close();
        }
    }
}
