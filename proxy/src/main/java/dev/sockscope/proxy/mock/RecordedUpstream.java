package dev.sockscope.proxy.mock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Trees;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.proxy.demo.Simulator;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Recorded sessions played back as the upstream: a simulator whose script is recordings. Each connection follows the
 * recorded session whose handshake it resembles most (path, query, headers; credentials compared masked under the
 * folder's key), which decides a refused upgrade (its recorded status) and the pushes, each sent as long after the
 * live client message matched to the one it followed in the recording ({@link PushSchedule}; from the connection's
 * start when it followed none).
 * Each client frame is matched, across every session given, to a recorded client frame by the decoder's request
 * identity (label, then the fields of its decoded tree that are neither volatile nor a correlation key), and the server
 * frames that answered it are sent back, addressed to the live request by its decoder ({@link Scripting#addressed}: a
 * MAX answer carries the live {@code seq}). A frame nothing matches is reported, and answered as configured (nothing,
 * or a close).
 */
public final class RecordedUpstream implements Simulator<RecordedUpstream.Live> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A session as recorded, with its frames and decodings. */
    public record Recording(SessionRecord session, List<StoredFrame> frames) {
    }

    /** What the mock says about a client frame it has no recording for: {@code closeCode} 0 answers nothing. */
    public record Unmatched(int closeCode) {
        public static final Unmatched IGNORE = new Unmatched(0);
    }

    /** When answers go out: at once, or as long after the live message as they followed it in the recording. */
    public enum Latency {
        NONE, RECORDED;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A recorded client message and what answered it. */
    private record Exchange(Recording recording, StoredFrame request, String label, JsonNode identity, List<StoredFrame> answers) {
    }

    private final List<Recording> recordings;
    private final ProtocolRegistry protocols;
    private final SecretMasker masker;
    private final Unmatched unmatched;
    private final Latency latency;
    private final Consumer<String> report;
    private final List<Exchange> exchanges = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sockscope-mock-pushes");
        t.setDaemon(true);
        return t;
    });

    /** @param report told, one line each, what the mock could not answer */
    public RecordedUpstream(List<Recording> recordings, ProtocolRegistry protocols, SecretMasker masker, Unmatched unmatched,
                            Latency latency, Consumer<String> report) {
        if (recordings.isEmpty()) {
            throw new IllegalArgumentException("a mock needs at least one recorded session");
        }
        this.recordings = List.copyOf(recordings);
        this.protocols = protocols;
        this.masker = masker;
        this.unmatched = unmatched;
        this.latency = latency;
        this.report = report;
        for (Recording r : recordings) {
            exchanges.addAll(exchanges(r));
        }
    }

    /** A live connection: the session it follows, its decoder, which recorded requests it has used, its pending pushes. */
    public final class Live {
        private final Recording followed;
        private final SessionDecoder decoder;
        private final Set<StoredFrame> used = new HashSet<>();
        private PushSchedule schedule;
        /** Recorded client messages whose pushes are on their way: each sends them once. */
        private final Set<StoredFrame> anchored = new HashSet<>();
        /** Pushes and delayed answers not sent yet: cancelled when the connection closes. */
        private final List<ScheduledFuture<?>> pushes = java.util.Collections.synchronizedList(new ArrayList<>());

        private void later(ScheduledFuture<?> send) {
            synchronized (pushes) {
                pushes.removeIf(java.util.concurrent.Future::isDone);
                pushes.add(send);
            }
        }
        private long seq;

        Live(Recording followed, SessionDecoder decoder) {
            this.followed = followed;
            this.decoder = decoder;
        }
    }

    @Override
    public String name() {
        return "mock";
    }

    @Override
    public Refusal refuse(Upgrade upgrade) {
        Handshake h = follow(upgrade).session().info().handshake();
        return h.status() == 101 ? null : new Refusal(h.status(), "as recorded");
    }

    @Override
    public String select(Upgrade upgrade) {
        String recorded = follow(upgrade).session().info().handshake().subprotocol();
        if (recorded == null) {
            return null;
        }
        // A masked selection (a token echoed back) is answered with what the client offered in its place.
        return upgrade.subprotocols().contains(recorded) ? recorded
                : upgrade.subprotocols().stream().filter(p -> masker.mask(p).equals(recorded)).findFirst().orElse(null);
    }

    @Override
    public Live onOpen(Upgrade upgrade, Peer peer) {
        Recording followed = follow(upgrade);
        SessionInfo info = followed.session().info();
        String protocol = followed.session().protocol();
        SessionInfo forced = new SessionInfo(0, "mock", info.upstream(), "", info.handshake(), info.startedAtMicros(), protocol);
        Live live = new Live(followed, protocols.open(forced, masker));
        Set<StoredFrame> answers = new HashSet<>();
        exchanges.stream().filter(e -> e.recording() == followed).forEach(e -> answers.addAll(e.answers()));
        live.schedule = PushSchedule.of(followed.frames(), answers, info.startedAtMicros());
        push(live, peer, live.schedule.atStart());
        return live;
    }

    /** Sends pushes each at its delay from now (one timer thread: pushes due alike keep their recorded order). */
    private void push(Live live, Peer peer, List<PushSchedule.Push> pushes) {
        for (PushSchedule.Push p : pushes) {
            live.later(timer.schedule(() -> send(peer, p.frame().frame(), p.frame().frame().payload()), p.delayMicros(), TimeUnit.MICROSECONDS));
        }
    }

    @Override
    public Live onText(Live live, Peer peer, String text) {
        return answer(live, peer, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Live onBinary(Live live, Peer peer, byte[] data) {
        return answer(live, peer, FrameType.BINARY, data);
    }

    @Override
    public void onClose(Live live) {
        if (live != null) {
            synchronized (live.pushes) {
                live.pushes.forEach(p -> p.cancel(false));
            }
        }
    }

    private Live answer(Live live, Peer peer, FrameType type, byte[] payload) {
        RecordedFrame frame = new RecordedFrame(0, ++live.seq, System.currentTimeMillis() * 1000, Direction.CLIENT_TO_SERVER,
                type, payload, 1, null);
        SessionDecoder.Step step = live.decoder.decode(frame);
        String label = step.decoding().label();
        // Compared masked, as the recording holds it: a live token and its recorded mask are the same request.
        JsonNode decoded = step.tree() == null ? null : step.tree().build();
        JsonNode identity = identity(scripting(live.followed),
                decoded != null ? decoded : tree(step.maskedPayload() == null ? frame : frame.withPayload(step.maskedPayload())));
        Exchange match = best(live, type, label, identity, payload);
        if (match == null) {
            report.accept("mock: no recorded frame matches client frame " + label + ": "
                    + preview(type == FrameType.TEXT ? new String(payload, StandardCharsets.UTF_8) : payload.length + " bytes"));
            if (unmatched.closeCode() > 0) {
                peer.close(unmatched.closeCode(), "no recorded frame matches " + label);
            }
            return live;
        }
        live.used.add(match.request());
        Scripting answering = scripting(match.recording());
        for (StoredFrame a : match.answers()) {
            long delay = a.frame().timeMicros() - match.request().frame().timeMicros();
            byte[] addressed = addressed(answering, a.frame(), match.request().frame(), frame);
            if (latency == Latency.RECORDED && delay > 0) {
                // One timer thread: answers delayed alike keep their recorded order.
                live.later(timer.schedule(() -> send(peer, a.frame(), addressed), delay, TimeUnit.MICROSECONDS));
            } else {
                send(peer, a.frame(), addressed);
            }
        }
        // After the answers: a push that followed them in the recording follows them here too.
        if (match.recording() == live.followed && live.anchored.add(match.request())) {
            push(live, peer, live.schedule.after(match.request()));
        }
        return live;
    }

    /** The exact request first (unused, in the followed session), then the same label; never a frame of another type. */
    private Exchange best(Live live, FrameType type, String label, JsonNode identity, byte[] payload) {
        Exchange sameLabel = null;
        Exchange sameRequest = null;
        for (Exchange e : exchanges) {
            if (e.request().frame().type() != type || !e.label().equals(label)) {
                continue;
            }
            boolean same = identity != null ? identity.equals(e.identity())
                    : Arrays.equals(payload, e.request().frame().payload());
            int rank = (live.used.contains(e.request()) ? 0 : 2) + (e.recording() == live.followed ? 1 : 0);
            if (same && (sameRequest == null || rank > rank(live, sameRequest))) {
                sameRequest = e;
            }
            if (sameLabel == null || rank > rank(live, sameLabel)) {
                sameLabel = e;
            }
        }
        return sameRequest != null ? sameRequest : sameLabel;
    }

    private static int rank(Live live, Exchange e) {
        return (live.used.contains(e.request()) ? 0 : 2) + (e.recording() == live.followed ? 1 : 0);
    }

    /** Sends a recorded frame; a text frame's payload is {@code payload} (addressed to the live request). */
    private void send(Peer peer, RecordedFrame f, byte[] payload) {
        switch (f.type()) {
            case TEXT -> peer.send(new String(payload, StandardCharsets.UTF_8));
            case BINARY -> peer.sendBinary(payload);
            case PING -> peer.ping(f.payload());
            case CLOSE -> peer.close(f.closeCode() == null ? 1000 : f.closeCode(), f.closeReason() == null ? "" : f.closeReason());
            case PONG -> { }
        }
    }

    /** The recorded answer addressed to the live request, as the protocol's decoder rewrites it; as recorded if it cannot. */
    private static byte[] addressed(Scripting scripting, RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
        try {
            byte[] out = scripting.addressed(answer, recordedRequest, liveRequest);
            return out == null ? answer.payload() : out;
        } catch (RuntimeException e) {
            return answer.payload();
        }
    }

    /** The recorded session this handshake resembles most; the newest wins a tie. */
    private Recording follow(Upgrade upgrade) {
        List<Header> live = new ArrayList<>();
        upgrade.headers().forEach((n, v) -> live.add(new Header(n, v)));
        Map<String, String> masked = new java.util.HashMap<>();
        masker.maskHeaders(live).forEach(h -> masked.put(h.name().toLowerCase(Locale.ROOT), h.value()));
        Recording best = null;
        int bestScore = -1;
        for (Recording r : recordings) {
            Handshake h = r.session().info().handshake();
            int score = h.path().equals(upgrade.path()) ? 4 : 0;
            for (Header x : h.requestHeaders()) {
                String n = x.name().toLowerCase(Locale.ROOT);
                if (!n.startsWith("sec-websocket-key") && !n.equals("host") && x.value().equals(masked.get(n))) {
                    score++;
                }
            }
            if (score >= bestScore) {
                best = r;
                bestScore = score;
            }
        }
        return best;
    }

    /** The recorded client messages of a session, each with what answered it. */
    private List<Exchange> exchanges(Recording r) {
        Scripting scripting = scripting(r);
        List<StoredFrame> frames = r.frames();
        // A protocol that pairs answers with requests: what answered a request is what its decoder paired with it.
        boolean correlated = frames.stream().anyMatch(f -> f.decoding() != null && f.decoding().correlatesWith() != null);
        List<JsonNode> trees = trees(r);
        List<Exchange> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            StoredFrame c = frames.get(i);
            if (c.frame().from() != Direction.CLIENT_TO_SERVER || c.frame().type().isControl()) {
                continue;
            }
            List<StoredFrame> answers = new ArrayList<>();
            for (int j = i + 1; j < frames.size(); j++) {
                StoredFrame s = frames.get(j);
                if (s.frame().from() == Direction.CLIENT_TO_SERVER) {
                    if (s.frame().type() == FrameType.CLOSE) {
                        break; // what follows the client's close answers the close, not this message
                    }
                    if (!correlated && !s.frame().type().isControl()) {
                        break; // without correlation, what the server said until the client spoke again answered it
                    }
                    continue;
                }
                Long answered = s.decoding() == null ? null : s.decoding().correlatesWith();
                if (correlated ? answered != null && answered == c.seq() : s.frame().type() != FrameType.PONG) {
                    answers.add(s);
                }
            }
            String label = c.decoding() == null ? c.frame().type().label() : c.decoding().label();
            out.add(new Exchange(r, c, label, identity(scripting, trees.get(i)), answers));
        }
        return out;
    }

    /** The request as the mock compares it: its tree without volatile fields and without correlation keys. */
    private static JsonNode identity(Scripting scripting, JsonNode tree) {
        if (tree == null) {
            return null;
        }
        JsonNode copy = tree.deepCopy();
        List<FieldPattern> skip = new ArrayList<>(scripting.volatileFields());
        skip.addAll(scripting.keyFields());
        strip(copy, new ArrayList<>(), skip);
        return copy;
    }

    /** The trees of a recording's frames as its decoder reads them (JSON where it reads none). */
    private List<JsonNode> trees(Recording r) {
        ProtocolDecoder decoder = decoder(r);
        List<JsonNode> decoded = decoder == null ? null
                : Trees.sequence(decoder, r.session().info(), r.frames().stream().map(StoredFrame::frame).toList(), masker);
        List<JsonNode> out = new ArrayList<>(r.frames().size());
        for (int i = 0; i < r.frames().size(); i++) {
            JsonNode t = decoded == null ? null : decoded.get(i);
            out.add(t != null ? t : tree(r.frames().get(i).frame()));
        }
        return out;
    }

    private static void strip(JsonNode node, List<String> path, List<FieldPattern> skip) {
        if (node instanceof ObjectNode object) {
            for (String name : new ArrayList<>(toList(object.fieldNames()))) {
                path.add(name);
                if (skip.stream().anyMatch(p -> p.matches(path))) {
                    object.remove(name);
                } else {
                    strip(object.get(name), path, skip);
                }
                path.remove(path.size() - 1);
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add("[" + i + "]");
                strip(node.get(i), path, skip);
                path.remove(path.size() - 1);
            }
        }
    }

    private static List<String> toList(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private ProtocolDecoder decoder(Recording r) {
        return protocols.decoderOf(r.session().protocol()).orElse(null);
    }

    private Scripting scripting(Recording r) {
        ProtocolDecoder d = decoder(r);
        return d == null ? Scripting.NONE : d.scripting();
    }

    private static JsonNode tree(RecordedFrame f) {
        if (f.type() != FrameType.TEXT) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(f.payload());
            return n != null && n.isContainerNode() ? n : null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    private static String preview(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
