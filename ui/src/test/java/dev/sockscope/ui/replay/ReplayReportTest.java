package dev.sockscope.ui.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionInfo;

/** The replay's text report for people: counts that read as English. */
class ReplayReportTest {

    private static String text(int answers, int pushes, int differences) {
        List<Difference> diffs = IntStream.range(0, differences)
                .mapToObj(i -> new Difference(Difference.Kind.CHANGED, "answer", "LOGIN (19)", 4L, 4L, "payload.name", "\"Ivan\"", "\"Ivan" + i + "\""))
                .toList();
        Replayer.Result result = new Replayer.Result(session(1), session(2), URI.create("ws://127.0.0.1:9/"),
                new ReplayComparison.Outcome(diffs, answers, pushes), List.of(), List.of());
        StringWriter out = new StringWriter();
        ReplayReport.text(result, new PrintWriter(out));
        return out.toString();
    }

    private static SessionRecord session(long id) {
        Handshake h = new Handshake("/", null, List.of(new Header("Upgrade", "websocket")), 101, List.of(), null, List.of());
        return new SessionRecord(new SessionInfo(id, "127.0.0.1:9444", "ws://127.0.0.1:9", "127.0.0.1:5", h, 0), null, 0, "max",
                null, null, List.of(), null);
    }

    @Test
    void oneIsSingular() {
        assertThat(text(1, 1, 1)).contains("  compared 1 answer and 1 push\n").contains("sockscope replay: 1 difference\n");
    }

    @Test
    void othersArePlural() {
        assertThat(text(6, 2, 2)).contains("  compared 6 answers and 2 pushes\n").contains("sockscope replay: 2 differences\n");
        assertThat(text(0, 0, 0)).contains("  compared 0 answers and 0 pushes\n").contains("sockscope replay: no differences\n");
    }
}
