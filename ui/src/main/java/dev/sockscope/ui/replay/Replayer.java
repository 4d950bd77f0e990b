package dev.sockscope.ui.replay;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.BusSubscription;
import dev.sockscope.capture.EventBus;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Trees;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.jetty.ReplayClient;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.views.Json;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Failures;
import dev.sockscope.wire.FrameType;

/**
 * Replays a recorded session against an upstream and compares. The replay runs through the relay itself: a route on a
 * loopback port to the upstream, so the upstream is dialled exactly as the proxy dials (TLS, {@code --insecure},
 * timeouts) and the replay is recorded, decoded and masked as a session of its own; the client side sends the recorded
 * client frames to that route, paced as recorded and waiting for the answers the recording had before each frame.
 */
public final class Replayer {
    /**
     * @param speed         1 replays the recorded pauses, N divides them by N, 0 sends without pausing (max)
     * @param answerTimeout how long a frame waits for the answers that came before it in the recording
     * @param rules         decides what the replay's relay does to the messages ({@code replay --rules}); null: nothing
     */
    public record Options(URI upstream, double speed, Duration answerTimeout, RelayOptions relay, List<FieldPattern> ignore,
                          Map<String, String> headers, Map<String, String> query, Map<String, String> set,
                          dev.sockscope.proxy.intercept.DecisionSource rules) {
        public Options(URI upstream, double speed, Duration answerTimeout, RelayOptions relay, List<FieldPattern> ignore,
                       Map<String, String> headers, Map<String, String> query, Map<String, String> set) {
            this(upstream, speed, answerTimeout, relay, ignore, headers, query, set, null);
        }
    }

    /** The replay ran: the comparison, and what happened on the way (answers that never came in time, a refusal). */
    public record Result(SessionRecord original, SessionRecord replay, URI upstream, ReplayComparison.Outcome outcome,
                         List<FieldPattern> ignored, List<String> notes) {
        public boolean same() {
            return outcome.differences().isEmpty();
        }
    }

    /** Nothing to replay: no such session, or it never opened (a refused upgrade has no frames to send). */
    public static final class CannotReplay extends Exception {
        public CannotReplay(String message) {
            super(message);
        }
    }

    private Replayer() {
    }

    /** Replays from the command line: a runtime of its own on the folder (which no proxy may hold). */
    public static Result run(Path db, long sessionId, ProtocolRegistry registry, Options o) throws Exception {
        return run(new StoreLocation.Folder(db), sessionId, registry, o);
    }

    /** Replays from the command line, recording into the store at {@code db} (a folder no proxy holds, or a team store). */
    public static Result run(StoreLocation db, long sessionId, ProtocolRegistry registry, Options o) throws Exception {
        try (ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, o.upstream())), null, o.relay(),
                dev.sockscope.ui.RecordingOptions.DEFAULTS, db, false, registry)) {
            return run(runtime, runtime.relay(), sessionId, registry, o);
        }
    }

    /** Replays inside a running proxy (its inspector's Replay action): recorded into its store through its bus. */
    public static Result run(ProxyRuntime runtime, long sessionId, ProtocolRegistry registry, Options o) throws Exception {
        return run(runtime, null, sessionId, registry, o);
    }

    /** @param route a relay with the one route to the upstream, or null to start one (and stop it after) */
    private static Result run(ProxyRuntime runtime, Relay route, long sessionId, ProtocolRegistry registry, Options o) throws Exception {
        RecordingStore store = runtime.store();
        SessionRecord original = store.session(sessionId).orElseThrow(() -> new CannotReplay("no session " + sessionId
                + " in " + store.location() + " (see 'sockscope sessions')"));
        List<StoredFrame> frames = all(store, sessionId);
        ReplayPlan plan = ReplayPlan.of(original, frames, o.headers(), o.query(), o.set());
        ReplayWatcher watcher = new ReplayWatcher();
        Relay relay = route != null ? route : runtime.startRelay(List.of(new Route("127.0.0.1", 0, o.upstream())), o.relay());
        if (o.rules() != null) {
            relay.intercept().addSource(o.rules());
        }
        BusSubscription<DecodedEvent> watching = runtime.decoded().subscribe("replay", watcher,
                EventBus.Delivery.LOSSLESS, EventBus.Limits.DEFAULT);
        List<String> notes = new ArrayList<>();
        Long replayId;
        try {
            watcher.follow(relay.boundRoutes().get(0).listen());
            send(relay, plan, frames, o, watcher, notes);
            runtime.awaitRecorded(relay, Duration.ofSeconds(60));
            replayId = watcher.sessionId();
        } finally {
            if (route == null) {
                relay.stop(Duration.ofSeconds(2));
            }
            runtime.decoded().unsubscribe(watching);
        }
        if (replayId == null) {
            throw new CannotReplay("the replay never reached the relay");
        }
        store.linkReplay(replayId, original.id());
        SessionRecord replay = store.session(replayId).orElseThrow();
        Comparison c = compare(store, registry, original, replay, o.ignore());
        return new Result(original, replay, o.upstream(), c.outcome(), c.ignored(), notes);
    }

    /** A replay's comparison with its original, and the patterns it did not compare. */
    public record Comparison(ReplayComparison.Outcome outcome, List<FieldPattern> ignored) {
    }

    /**
     * Compares a replay (or any session) with the original, from the store: what {@code replay} reported, computed
     * again (for the inspector's diff view).
     */
    public static Comparison compare(RecordingStore store, ProtocolRegistry registry, SessionRecord original, SessionRecord replay,
                                     List<FieldPattern> ignore) throws RecordingException {
        ProtocolDecoder decoder = registry.decoderOf(original.protocol()).orElse(null);
        List<FieldPattern> ignored = new ArrayList<>(decoder == null ? List.of() : decoder.scripting().volatileFields());
        ignored.addAll(ignore);
        List<StoredFrame> originalFrames = all(store, original.id());
        List<StoredFrame> replayFrames = all(store, replay.id());
        Map<StoredFrame, JsonNode> trees = new java.util.IdentityHashMap<>();
        trees(decoder, original, originalFrames, store.masker(), trees);
        trees(decoder, replay, replayFrames, store.masker(), trees);
        ReplayComparison.Outcome outcome = new ReplayComparison(ignored, trees::get)
                .compare(original.info().handshake(), originalFrames, replay.info().handshake(), replayFrames);
        return new Comparison(outcome, ignored);
    }

    private static void send(Relay relay, ReplayPlan plan, List<StoredFrame> frames, Options o,
                             ReplayWatcher watcher, List<String> notes) throws Exception {
        URI target = URI.create("ws://" + relay.boundRoutes().get(0).listen() + plan.target());
        Duration connectTimeout = o.relay().connectTimeout().plusSeconds(5);
        try (ReplayClient client = new ReplayClient()) {
            ReplayClient.Connection c;
            try {
                c = client.connect(target, plan.headers(), plan.subprotocols(), plan.offerDeflate(), connectTimeout)
                        .get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException refused) {
                // The relay recorded what the upstream answered (a refusal, or why it could not be reached): compared below.
                notes.add("the upgrade did not succeed: " + (refused.getCause() == null ? refused : refused.getCause()).getMessage());
                return;
            }
            Map<Long, Integer> position = new HashMap<>();
            int k = 0;
            for (ReplayPlan.Step s : plan.steps()) {
                if (!s.type().isControl()) {
                    position.put(s.recordedSeq(), k++);
                }
            }
            boolean closed = false;
            for (ReplayPlan.Step step : plan.steps()) {
                Set<Integer> awaited = new HashSet<>();
                step.awaitAnswerTo().forEach(seq -> {
                    Integer p = position.get(seq);
                    if (p != null) {
                        awaited.add(p);
                    }
                });
                long waitStarted = System.nanoTime();
                if (!watcher.awaitAnswers(awaited, waitStarted + o.answerTimeout().toNanos())) {
                    notes.add("frame #" + step.recordedSeq() + " was sent without the answers the recording had before it"
                            + " (none within " + o.answerTimeout().toSeconds() + " s)");
                }
                // Whatever the speed: what the server had sent before this frame in the recording comes first.
                int came = watcher.awaitServerMessages(step.serverMessagesBefore(), waitStarted + o.answerTimeout().toNanos());
                if (came < step.serverMessagesBefore()) {
                    notes.add("frame #" + step.recordedSeq() + " was sent after " + came + " of the " + step.serverMessagesBefore()
                            + " server messages the recording had before it (no more within " + o.answerTimeout().toSeconds() + " s)");
                }
                pause(step.gapMicros(), o.speed(), waitStarted);
                if (watcher.ended() || c.closed().isDone()) {
                    notes.add("the session ended before frame #" + step.recordedSeq() + " could be sent");
                    break;
                }
                try {
                    if (step.type() == FrameType.CLOSE) {
                        c.close(step.closeCode(), step.closeReason() == null ? "" : step.closeReason()).get(10, TimeUnit.SECONDS);
                        closed = true;
                        break;
                    }
                    c.send(step.type(), step.payload()).get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // The connection went away under us: what was recorded until then is compared, and this says why.
                    notes.add("frame #" + step.recordedSeq() + " could not be sent: " + Failures.rootMessage(e));
                    closed = true;
                    break;
                }
            }
            long deadline = System.nanoTime() + o.answerTimeout().toNanos();
            int serverMessages = (int) frames.stream()
                    .filter(f -> f.frame().from() == Direction.SERVER_TO_CLIENT && !f.frame().type().isControl()).count();
            watcher.awaitServerMessages(serverMessages, deadline);
            if (!closed) {
                boolean serverClosedFirst = frames.stream().anyMatch(f -> f.frame().from() == Direction.SERVER_TO_CLIENT
                        && f.frame().type() == FrameType.CLOSE);
                if (serverClosedFirst) {
                    try {
                        c.closed().get(o.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException stillOpen) {
                        notes.add("the upstream did not close within " + o.answerTimeout().toSeconds() + " s, as it did in the recording");
                    } catch (ExecutionException ignored) {
                        // it ended with an error: the relay recorded it
                    }
                }
                if (!c.closed().isDone()) {
                    try {
                        c.close(1000, "replay done").get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        notes.add("closing the replay failed: " + Failures.rootMessage(e));
                    }
                }
            }
            try {
                c.closed().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                notes.add("the close handshake did not finish: " + e.getMessage());
            }
        }
    }

    /** The recorded pause before a frame, scaled; time already spent waiting for answers counts toward it. */
    private static void pause(long gapMicros, double speed, long since) throws InterruptedException {
        if (speed <= 0) {
            return;
        }
        long until = since + (long) (gapMicros * 1000 / speed);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
        }
    }

    /**
     * The trees of a session's frames as its decoder reads them, in order (a stateful protocol's frames need the ones
     * before them); frames the decoder did not decode, and every frame without a decoder, as their JSON.
     */
    private static void trees(ProtocolDecoder decoder, SessionRecord session, List<StoredFrame> frames, SecretMasker masker,
                              Map<StoredFrame, JsonNode> out) {
        List<JsonNode> decoded = decoder == null ? null
                : Trees.sequence(decoder, session.info(), frames.stream().map(StoredFrame::frame).toList(), masker);
        for (int i = 0; i < frames.size(); i++) {
            StoredFrame f = frames.get(i);
            JsonNode tree = decoded != null && f.decoding() != null && decoder.name().equals(f.decoding().protocol()) ? decoded.get(i) : null;
            out.put(f, tree != null ? tree : json(f));
        }
    }

    private static JsonNode json(StoredFrame f) {
        if (f.frame().type() != FrameType.TEXT) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(f.frame().payload());
            return n != null && n.isContainerNode() ? n : null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    private static List<StoredFrame> all(RecordingStore store, long sessionId) throws RecordingException {
        List<StoredFrame> out = new ArrayList<>();
        long after = 0;
        List<StoredFrame> page;
        do {
            page = store.storedFrames(sessionId, after, 5000);
            out.addAll(page);
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).seq();
            }
        } while (page.size() == 5000);
        return out;
    }
}
