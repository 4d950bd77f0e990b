package dev.sockscope.ui.web;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import com.google.re2j.Pattern;

import dev.sockscope.recordings.FrameFilter;
import dev.sockscope.recordings.FramePage;
import dev.sockscope.recordings.FrameQuery;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SearchRegex;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.DecodedTree;
import dev.sockscope.ui.views.FrameView;
import dev.sockscope.ui.views.StatsView;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import io.javalin.http.Context;

/** {@code /api/sessions/{id}/frames}, one frame with its pair, and {@code /stats}. */
final class FramesApi {
    static final int MAX_PAGE = 1000;
    /**
     * The most points of the traffic charts. The bucket is the smallest round width that keeps a session within them,
     * so it follows the session's length (5 ms buckets for 300 ms, 30 s for an hour): enough points to see its shape,
     * wide enough that a bucket holds more than a lone frame in a millisecond.
     */
    static final int CHART_POINTS = 120;
    private static final String[] FILTERS = {"from", "type", "protocol", "label", "kind", "text", "regex", "warnings",
            "sinceMicros", "untilMicros", "rule"};

    private final RecordingStore store;
    private final ProtocolRegistry registry;

    FramesApi(RecordingStore store, ProtocolRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    void list(Context ctx) throws RecordingException {
        List<String> known = new java.util.ArrayList<>(List.of(FILTERS));
        known.addAll(List.of("after", "before", "limit", "payload"));
        Params p = new Params(ctx, known.toArray(String[]::new));
        SessionRecord session = SessionsApi.find(store, ctx);
        Long after = p.number("after", 0, Long.MAX_VALUE);
        Long before = p.number("before", 1, Long.MAX_VALUE);
        if (after != null && before != null) {
            throw ApiError.badParameter("before", "give either after or before, not both");
        }
        FrameQuery q = new FrameQuery(filter(p), after == null ? 0 : after, before, p.number("limit", 1, MAX_PAGE, 200));
        FramePage page = store.frames(session.id(), q);
        boolean payload = p.flag("payload");
        Set<Long> unanswered = unanswered(session);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("frames", page.frames().stream().map(f -> {
            FrameView v = FrameView.of(f, unanswered.contains(f.seq()), null);
            return payload ? v : v.withoutPayload();
        }).toList());
        body.put("next", page.next());
        body.put("prev", page.prev());
        Responses.json(ctx, body);
    }

    void one(Context ctx) throws RecordingException {
        new Params(ctx);
        SessionRecord session = SessionsApi.find(store, ctx);
        long seq = Params.pathNumber(ctx, "seq");
        StoredFrame f = store.frame(session.id(), seq)
                .orElseThrow(() -> ApiError.notFound("session " + session.id() + " has no frame " + seq));
        Set<Long> unanswered = unanswered(session);
        Optional<StoredFrame> pair = f.decoding() == null ? Optional.empty()
                : f.decoding().correlatesWith() != null ? store.frame(session.id(), f.decoding().correlatesWith())
                : f.decoding().kind() == Kind.REQUEST ? store.answerTo(session.id(), seq) : Optional.empty();
        DecodedTree tree = new DecodedTree(session, registry, store, store.masker());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("frame", FrameView.of(f, unanswered.contains(seq), tree.of(f)));
        body.put("pair", pair.map(x -> FrameView.of(x, unanswered.contains(x.seq()), null).withoutPayload()).orElse(null));
        Responses.json(ctx, body);
    }

    void stats(Context ctx) throws RecordingException {
        new Params(ctx);
        SessionRecord session = SessionsApi.find(store, ctx);
        Responses.json(ctx, StatsView.of(store.stats(session.id(), CHART_POINTS)));
    }

    /** The API's filter parameters, as the command line's options make the same {@link FrameFilter}. */
    static FrameFilter filter(Params p) {
        Direction from = p.choice("from", Direction::fromSender, "client, server");
        Set<FrameType> types = EnumSet.noneOf(FrameType.class);
        types.addAll(p.list("type", FrameType::fromLabel, "text, binary, ping, pong, close"));
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        kinds.addAll(p.list("kind", Kind::fromLabel, "request, response, error, event, heartbeat, control, unknown"));
        String regex = p.text("regex");
        Pattern pattern = null;
        if (regex != null) {
            try {
                pattern = SearchRegex.compile(regex);
            } catch (IllegalArgumentException e) {
                throw ApiError.badParameter("regex", e.getMessage());
            }
        }
        return new FrameFilter(from, types, p.text("protocol"), p.text("label"), kinds, p.text("text"), pattern,
                p.flag("warnings"), p.number("sinceMicros", Long.MIN_VALUE, Long.MAX_VALUE),
                p.number("untilMicros", Long.MIN_VALUE, Long.MAX_VALUE), p.text("rule"));
    }

    private static Set<Long> unanswered(SessionRecord s) {
        return s.unanswered() == null ? Set.of() : new HashSet<>(s.unanswered());
    }
}
