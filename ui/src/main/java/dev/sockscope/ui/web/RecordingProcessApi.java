package dev.sockscope.ui.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.ListenAddress;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.ui.exchange.HarFile;
import dev.sockscope.ui.exchange.HarImport;
import dev.sockscope.ui.exchange.HarImporter;
import dev.sockscope.ui.mock.MockServer;
import dev.sockscope.ui.views.Json;
import io.javalin.http.Context;

/**
 * Import and mocks inside the recording process: {@code POST /api/import}, {@code GET/POST /api/mocks},
 * {@code DELETE /api/mocks/{id}}. The command line's {@code import} and {@code mock} use them while a proxy holds
 * the folder.
 */
final class RecordingProcessApi {
    /** The import's default limit on one message, as the command's {@code --max-message}. */
    static final long DEFAULT_MAX_MESSAGE = 64L << 20;

    private final RecordingProcess process;

    /** @param process null where this process only reads the recordings */
    RecordingProcessApi(RecordingProcess process) {
        this.process = process;
    }

    private RecordingProcess process(String what) {
        if (process == null) {
            throw new ApiError(409, "this process only reads the recordings: " + what + " with the proxy that records them,"
                    + " or with the command line when no proxy holds the folder");
        }
        return process;
    }

    void importHar(Context ctx) throws Exception {
        Params p = new Params(ctx, "name", "keepSecrets", "maxMessage");
        RecordingProcess into = process("import");
        String name = p.text("name") == null ? "upload.har" : p.text("name");
        long maxMessage = p.text("maxMessage") == null ? DEFAULT_MAX_MESSAGE : parseLong("maxMessage", p.text("maxMessage"));
        boolean keepSecrets = "true".equals(p.text("keepSecrets"));
        HarImporter.Imported imported;
        try {
            JsonNode har = HarFile.read(ctx.bodyInputStream(), maxMessage);
            imported = into.importHar(har, name, keepSecrets);
        } catch (HarImport.NotHar e) {
            throw new ApiError(400, name + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ApiError(400, name + ": cannot read the upload: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", imported.source());
        body.put("sessions", imported.sessions());
        body.put("skipped", imported.skipped());
        body.put("notices", imported.notices());
        body.put("secrets", keepSecrets ? "kept" : "masked");
        ctx.status(201);
        Responses.json(ctx, body);
    }

    void mocks(Context ctx) {
        new Params(ctx);
        Responses.json(ctx, Map.of("mocks", process("mocks are served").mocks()));
    }

    void startMock(Context ctx) throws Exception {
        new Params(ctx);
        RecordingProcess in = process("a mock is served");
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiError.badParameter("body", "not JSON: " + e.getMessage());
        }
        if (body == null || !body.path("sessions").isArray() || body.path("sessions").isEmpty()) {
            throw ApiError.badParameter("sessions", "required: the ids of the recorded sessions to serve, as an array");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode n : body.get("sessions")) {
            if (!n.canConvertToLong()) {
                throw ApiError.badParameter("sessions", "'" + n + "' is not a session id");
            }
            ids.add(n.asLong());
        }
        ListenAddress where;
        try {
            where = ListenAddress.parse(body.path("listen").asText("127.0.0.1:0"));
        } catch (NumberFormatException e) {
            throw ApiError.badParameter("listen", "the port is not a number (HOST:PORT)");
        }
        String unmatched = body.path("unmatched").asText("ignore");
        RecordedUpstream.Unmatched answer;
        if (unmatched.equals("ignore")) {
            answer = RecordedUpstream.Unmatched.IGNORE;
        } else if (unmatched.matches("close:\\d{4}")) {
            answer = new RecordedUpstream.Unmatched(Integer.parseInt(unmatched.substring(6)));
        } else {
            throw ApiError.badParameter("unmatched", "'" + unmatched + "' is not ignore or close:CODE");
        }
        RecordedUpstream.Latency latency;
        try {
            latency = RecordedUpstream.Latency.valueOf(body.path("latency").asText("none").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter("latency", "'" + body.path("latency").asText() + "' is not none or recorded");
        }
        RecordingProcess.RunningMock mock;
        try {
            mock = in.startMock(ids, where.host(), where.port(), answer, latency);
        } catch (MockServer.NoSuchSession e) {
            throw ApiError.notFound(e.getMessage());
        } catch (IOException e) {
            throw new ApiError(409, "the mock cannot listen on " + where.host() + ":" + where.port() + ": " + e.getMessage());
        }
        ctx.status(201);
        Responses.json(ctx, mock);
    }

    void stopMock(Context ctx) {
        new Params(ctx);
        long id = parseLong("id", ctx.pathParam("id"));
        if (!process("a mock is stopped").stopMock(id)) {
            throw ApiError.notFound("no mock " + id + " runs here");
        }
        ctx.status(204);
    }

    private static long parseLong(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name, "'" + text + "' is not a number");
        }
    }
}
