package dev.sockscope.ui.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.sockscope.recordings.DeleteOutcome;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionPage;
import dev.sockscope.recordings.SessionQuery;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StarOutcome;
import dev.sockscope.ui.views.SessionView;
import io.javalin.http.Context;

/** {@code /api/sessions}: the list (paged by id, filtered), one session, its star, and delete. */
final class SessionsApi {
    private final RecordingStore store;

    SessionsApi(RecordingStore store) {
        this.store = store;
    }

    void list(Context ctx) throws RecordingException {
        Params p = new Params(ctx, "limit", "before", "protocol", "q", "state", "errors", "proxy", "starred");
        String state = p.text("state");
        if (state != null && !state.equals("open") && !state.equals("closed")) {
            throw ApiError.badParameter("state", "'" + state + "' is not one of open, closed");
        }
        SessionQuery q = new SessionQuery(p.number("limit", 1, SessionQuery.MAX_LIMIT, 50), p.number("before", 1, Long.MAX_VALUE),
                p.text("protocol"), p.text("q"), state == null ? null : state.equals("open"), p.flag("errors"), p.text("proxy"),
                p.flag("starred"));
        SessionPage page = store.sessions(q);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessions", page.sessions().stream().map(SessionView::of).toList());
        body.put("next", page.next());
        Responses.json(ctx, body);
    }

    void one(Context ctx) throws RecordingException {
        new Params(ctx);
        Responses.json(ctx, SessionView.of(find(store, ctx)));
    }

    void delete(Context ctx) throws RecordingException {
        new Params(ctx);
        long id = Params.pathNumber(ctx, "id");
        DeleteOutcome outcome = store.delete(id);
        if (outcome instanceof DeleteOutcome.NotFound) {
            throw ApiError.notFound("no session " + id);
        }
        if (outcome instanceof DeleteOutcome.Refused refused) {
            throw new ApiError(409, refused.reason());
        }
        ctx.status(204);
    }

    /** {@code POST} (star) or {@code DELETE} (unstar) {@code /api/sessions/{id}/star}: answers the session as it is now. */
    void star(Context ctx, boolean starred) throws RecordingException {
        new Params(ctx);
        long id = Params.pathNumber(ctx, "id");
        StarOutcome outcome = store.star(id, starred);
        if (outcome instanceof StarOutcome.NotFound) {
            throw ApiError.notFound("no session " + id);
        }
        if (outcome instanceof StarOutcome.Refused refused) {
            throw new ApiError(409, refused.reason());
        }
        Responses.json(ctx, SessionView.of(find(store, ctx)));
    }

    static SessionRecord find(RecordingStore store, Context ctx) throws RecordingException {
        long id = Params.pathNumber(ctx, "id");
        return store.session(id).orElseThrow(() -> ApiError.notFound("no session " + id));
    }
}
