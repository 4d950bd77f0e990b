package dev.sockscope.ui.replay;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.ui.views.Json;

/** A replay's result for people (text) and for CI (JSON, {@code --report FILE}). */
public final class ReplayReport {
    private ReplayReport() {
    }

    public static void text(Replayer.Result r, PrintWriter out) {
        try {
            text(Json.MAPPER.readTree(json(r)), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // our own JSON
        }
    }

    /**
     * The text of a JSON report: one rendering for a replay run here and one run inside a proxy's inspector
     * ({@code POST /api/sessions/{id}/replay}), as the command line prints both.
     */
    public static void text(JsonNode r, PrintWriter out) {
        String protocol = r.path("protocol").isTextual() ? " (" + r.get("protocol").asText() + ")" : "";
        out.println("sockscope replay: session " + r.path("original").asLong() + protocol + " against " + r.path("upstream").asText()
                + ", recorded as session " + r.path("replay").asLong());
        List<String> ignored = new ArrayList<>();
        r.path("ignored").forEach(n -> ignored.add(n.asText()));
        out.println("  compared " + count(r.path("answersCompared").asInt(), "answer", "answers") + " and "
                + count(r.path("pushesCompared").asInt(), "push", "pushes")
                + (ignored.isEmpty() ? "" : "; not compared: " + String.join(", ", ignored)));
        r.path("notes").forEach(n -> out.println("  note: " + n.asText()));
        r.path("differences").forEach(d -> out.println("  " + d.path("kind").asText() + " " + d.path("text").asText()));
        int n = r.path("differences").size();
        out.println(n == 0 ? "sockscope replay: no differences" : "sockscope replay: " + count(n, "difference", "differences"));
        out.flush();
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    public static String json(Replayer.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("original", r.original().id());
        out.put("replay", r.replay().id());
        out.put("protocol", r.original().protocol());
        out.put("upstream", r.upstream().toString());
        out.put("same", r.same());
        out.put("answersCompared", r.outcome().answersCompared());
        out.put("pushesCompared", r.outcome().pushesCompared());
        out.put("ignored", r.ignored().stream().map(Object::toString).toList());
        out.put("notes", r.notes());
        out.put("differences", r.outcome().differences().stream().map(ReplayReport::difference).toList());
        return Json.write(out);
    }

    /** One difference as the JSON report and the inspector's diff show it. */
    public static Map<String, Object> difference(Difference d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", d.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("where", d.where());
        m.put("label", d.label());
        m.put("recordedSeq", d.recordedSeq());
        m.put("replaySeq", d.replaySeq());
        m.put("path", d.path());
        m.put("recorded", d.recorded());
        m.put("replayed", d.replayed());
        m.put("text", d.describe());
        return m;
    }
}
