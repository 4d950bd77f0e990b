package dev.sockscope.ui.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.ui.exchange.HarExport;
import dev.sockscope.ui.exchange.JsonlExport;
import dev.sockscope.ui.replay.Difference;
import dev.sockscope.ui.replay.ReplayPlan;
import dev.sockscope.ui.replay.ReplayReport;
import dev.sockscope.ui.replay.Replayer;
import dev.sockscope.ui.views.Json;
import io.javalin.http.Context;

/**
 * Export, replay and the replay diff: {@code /api/sessions/{id}/export}, {@code POST /api/sessions/{id}/replay},
 * {@code /api/sessions/{id}/replays} and {@code /api/sessions/{id}/diff}, with the command line's own code.
 */
final class ReplayApi {
    private final RecordingStore store;
    private final ProtocolRegistry registry;
    private final RecordingProcess launcher;

    /** @param launcher null where this process only reads the recordings ({@code sockscope ui}) */
    ReplayApi(RecordingStore store, ProtocolRegistry registry, RecordingProcess launcher) {
        this.store = store;
        this.registry = registry;
        this.launcher = launcher;
    }

    void export(Context ctx) throws RecordingException, IOException {
        Params p = new Params(ctx, "format");
        String format = p.text("format") == null ? "har" : p.text("format");
        if (!format.equals("har") && !format.equals("jsonl")) {
            throw ApiError.badParameter("format", "'" + format + "' is not one of har, jsonl");
        }
        SessionRecord s = SessionsApi.find(store, ctx);
        ctx.contentType(format.equals("har") ? "application/json; charset=utf-8" : "application/x-ndjson; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"sockscope-session-" + s.id() + "." + format + "\"");
        OutputStream out = ctx.outputStream();
        if (format.equals("har")) {
            HarExport.write(store, List.of(s), out);
        } else {
            JsonlExport.write(store, List.of(s), out);
        }
    }

    void replay(Context ctx) throws Exception {
        new Params(ctx);
        SessionRecord s = SessionsApi.find(store, ctx);
        if (launcher == null) {
            throw new ApiError(409, "this process only reads the recordings: replay from the inspector of the proxy that"
                    + " records them, or with 'sockscope replay " + s.id() + " --upstream URL'");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiError.badParameter("body", "not JSON: " + e.getMessage());
        }
        if (body == null || !body.path("upstream").isTextual()) {
            throw ApiError.badParameter("upstream", "required: the ws:// or wss:// URL to replay against");
        }
        URI upstream = URI.create(body.get("upstream").asText());
        if (upstream.getScheme() == null || !upstream.getScheme().matches("wss?")) {
            throw ApiError.badParameter("upstream", "'" + upstream + "' is not a ws:// or wss:// URL");
        }
        String speed = body.path("speed").asText("max");
        double pace;
        try {
            pace = speed.equals("max") ? 0 : Double.parseDouble(speed);
        } catch (NumberFormatException e) {
            throw ApiError.badParameter("speed", "'" + speed + "' is not 1, a factor, or max");
        }
        List<FieldPattern> ignore = new ArrayList<>();
        body.path("ignore").forEach(n -> ignore.add(FieldPattern.parse(n.asText())));
        RelayOptions relay = RelayOptions.defaults().withInsecure(body.path("insecure").asBoolean(false))
                .withConnectTimeout(Duration.ofSeconds(body.path("connectTimeoutSeconds").asLong(15)));
        Replayer.Options options = new Replayer.Options(upstream, pace, Duration.ofSeconds(body.path("answerTimeoutSeconds").asLong(10)),
                relay, ignore, strings(body.path("header")), strings(body.path("query")), strings(body.path("set")));
        Replayer.Result result;
        try {
            result = launcher.replay(s.id(), options);
        } catch (ReplayPlan.MaskedSecrets e) {
            ctx.status(400);
            Responses.json(ctx, Map.of("error", "nothing was sent: the recording masked values the replay must send", "missing", e.missing()));
            return;
        } catch (Replayer.CannotReplay e) {
            throw new ApiError(409, e.getMessage());
        }
        ctx.contentType("application/json; charset=utf-8").result(ReplayReport.json(result));
    }

    void replays(Context ctx) throws RecordingException {
        new Params(ctx);
        SessionRecord s = SessionsApi.find(store, ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replayOf", store.replayOf(s.id()).orElse(null));
        body.put("replays", store.replaysOf(s.id()));
        Responses.json(ctx, body);
    }

    /** The differences between a replay and its original, computed again from the store. */
    void diff(Context ctx) throws RecordingException {
        Params p = new Params(ctx, "ignore");
        SessionRecord replay = SessionsApi.find(store, ctx);
        long originalId = store.replayOf(replay.id()).orElseThrow(() -> ApiError.notFound("session " + replay.id() + " is not a replay"));
        SessionRecord original = store.session(originalId).orElseThrow(() -> ApiError.notFound("the original session "
                + originalId + " of replay " + replay.id() + " is gone"));
        List<FieldPattern> ignore = new ArrayList<>();
        for (String pattern : ctx.queryParams("ignore")) {
            try {
                ignore.add(FieldPattern.parse(pattern));
            } catch (IllegalArgumentException e) {
                throw ApiError.badParameter("ignore", e.getMessage());
            }
        }
        Replayer.Comparison c = Replayer.compare(store, registry, original, replay, ignore);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("original", original.id());
        body.put("replay", replay.id());
        body.put("same", c.outcome().differences().isEmpty());
        body.put("answersCompared", c.outcome().answersCompared());
        body.put("pushesCompared", c.outcome().pushesCompared());
        body.put("ignored", c.ignored().stream().map(Object::toString).toList());
        body.put("differences", c.outcome().differences().stream().map(ReplayApi::difference).toList());
        Responses.json(ctx, body);
    }

    private static Map<String, Object> difference(Difference d) {
        return ReplayReport.difference(d);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
