package dev.sockscope.ui.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.SessionView;
import io.javalin.http.sse.SseClient;

/**
 * {@code GET /api/live}: Server-Sent Events from a {@link LiveSource}. The source hands each event to every client's
 * own bounded queue and returns; a thread per client writes to its socket. A client that does not keep up loses events
 * (they are counted and it is told, with a {@code dropped} event, so that a page can reload from the API), and one that
 * has lost {@link #MAX_DROPS} is closed (a browser's EventSource reconnects by itself). So no browser, slow or gone, can
 * slow the source, and through it the recording, down.
 */
final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    static final int QUEUE = 4096;
    static final int MAX_DROPS = 8192;
    static final int MAX_CLIENTS = 64;
    /** A comment this often keeps proxies from timing the stream out and finds clients that went away. */
    private static final long KEEP_ALIVE_SECONDS = 15;

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AutoCloseable subscription;
    private final AtomicLong dropped = new AtomicLong();

    LiveFeed(LiveSource source) {
        this.subscription = source.subscribe(this::offer);
    }

    /** Events dropped for slow clients since start, all clients together. */
    long dropped() {
        return dropped.get();
    }

    int clients() {
        return clients.size();
    }

    void connect(SseClient sse) {
        String only = sse.ctx().queryParam("session");
        Long session;
        try {
            session = only == null || only.isEmpty() ? null : Long.parseLong(only);
        } catch (NumberFormatException e) {
            sse.sendEvent("error", Json.write(Map.of("error", "parameter 'session': '" + only + "' is not a whole number")));
            sse.close();
            return;
        }
        if (clients.size() >= MAX_CLIENTS) {
            sse.sendEvent("error", Json.write(Map.of("error", "too many live views open (" + MAX_CLIENTS + "); close some")));
            sse.close();
            return;
        }
        Client c = new Client(sse, session);
        clients.add(c);
        sse.onClose(c::stop);
        sse.keepAlive();
        c.thread.start();
    }

    private void offer(LiveEvent event) {
        if (clients.isEmpty()) {
            return; // nobody watches: no iterator per event
        }
        for (Client c : clients) {
            c.offer(event);
        }
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("closing the live subscription: {}", e.getMessage());
        }
        clients.forEach(Client::stop);
    }

    private final class Client implements Runnable {
        private final SseClient sse;
        private final Long session;
        private final ArrayBlockingQueue<LiveEvent> queue = new ArrayBlockingQueue<>(QUEUE);
        private final AtomicLong lost = new AtomicLong();
        private final Thread thread;
        private volatile boolean stopped;
        private long told;

        Client(SseClient sse, Long session) {
            this.sse = sse;
            this.session = session;
            this.thread = new Thread(this, "sockscope-live-" + sse.ctx().req().getRemotePort());
            thread.setDaemon(true);
        }

        void offer(LiveEvent e) {
            if (stopped || (session != null && e.sessionId() != session)) {
                return;
            }
            if (!queue.offer(e)) {
                dropped.incrementAndGet();
                if (lost.incrementAndGet() >= MAX_DROPS) {
                    stop();
                }
            }
        }

        @Override
        public void run() {
            try {
                while (!stopped && !sse.terminated()) {
                    LiveEvent e = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                    long lostNow = lost.get();
                    if (lostNow != told) {
                        sse.sendEvent("dropped", Json.write(Map.of("count", lostNow)));
                        told = lostNow;
                    }
                    if (e == null) {
                        sse.sendComment("keep-alive");
                    } else {
                        send(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("live client gone: {}", e.getMessage());
            } finally {
                stop();
            }
        }

        private void send(LiveEvent e) {
            if (e instanceof LiveEvent.SessionChanged s) {
                sse.sendEvent("session", Json.write(SessionView.of(s.session())));
            } else if (e instanceof LiveEvent.FrameAdded f) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("sessionId", f.sessionId());
                body.put("frame", FrameView.of(f.frame(), false, null).withoutPayload());
                sse.sendEvent("frame", Json.write(body));
            }
        }

        void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            clients.remove(this);
            if (Thread.currentThread() != thread) {
                thread.interrupt();
            }
            try {
                sse.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a live client: {}", e.getMessage());
            }
        }
    }
}
