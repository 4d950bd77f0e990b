package dev.sockscope.ui.replay;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sockscope.ui.views.Json;

/** A replay's result for people (text) and for CI (JSON, {@code --report FILE}). */
public final class ReplayReport {
    private ReplayReport() {
    }

    public static void text(Replayer.Result r, PrintWriter out) {
        out.println("sockscope replay: session " + r.original().id()
                + (r.original().protocol() == null ? "" : " (" + r.original().protocol() + ")") + " against " + r.upstream()
                + ", recorded as session " + r.replay().id());
        out.println("  compared " + count(r.outcome().answersCompared(), "answer", "answers") + " and "
                + count(r.outcome().pushesCompared(), "push", "pushes")
                + (r.ignored().isEmpty() ? "" : "; not compared: " + String.join(", ", r.ignored().stream().map(Object::toString).toList())));
        r.notes().forEach(n -> out.println("  note: " + n));
        for (Difference d : r.outcome().differences()) {
            out.println("  " + d.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + d.describe());
        }
        int n = r.outcome().differences().size();
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
        return m;
    }
}
