package dev.sockscope.ui.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.sockscope.capture.CaptureBus;
import io.javalin.http.Context;

/**
 * {@code /api/status}: how far behind recording is, and whether live updates flow, for the pages' indicator.
 * {@code recording} is null where this process does not record (the inspector of {@code sockscope ui}).
 */
final class StatusApi {
    private volatile Supplier<CaptureBus.Lag> lag = () -> null;
    private final LiveSource live;

    StatusApi(LiveSource live) {
        this.live = live;
    }

    void recordingLag(Supplier<CaptureBus.Lag> source) {
        this.lag = source;
    }

    void status(Context ctx) {
        new Params(ctx);
        CaptureBus.Lag now = lag.get();
        Map<String, Object> body = new LinkedHashMap<>();
        if (now == null) {
            body.put("recording", null);
        } else {
            Map<String, Object> recording = new LinkedHashMap<>();
            recording.put("lagging", now.lagging());
            recording.put("laggingSince", now.lagging() ? now.sinceMillis() : null);
            recording.put("sessionsBehind", now.behind().sessions());
            recording.put("framesBehind", now.behind().frames());
            recording.put("bytesBehind", now.behind().bytes());
            recording.put("framesRecordedInPart", now.cutFrames());
            body.put("recording", recording);
        }
        LiveSource.Problem problem = live.problem();
        body.put("live", problem == null ? Map.of("ok", true)
                : Map.of("ok", false, "problem", problem.text(), "sinceMillis", problem.sinceMillis()));
        Responses.json(ctx, body);
    }
}
