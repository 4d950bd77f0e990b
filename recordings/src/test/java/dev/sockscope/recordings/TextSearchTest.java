package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A text search answers the same with the blocks' text signatures as by reading every frame: every signature skip is a
 * block that really lacked the text, in sessions recorded now and in blocks indexed before signatures existed.
 */
class TextSearchTest {
    private static final int FRAMES = 12_000;
    private static final List<String> SEARCHES = List.of("needle-7f3a", "NEEDLE-7F3A", "Event.SendMessage", "quick brown",
            "order #4711", "absent-from-every-frame", "xyzzy", "zz", "é", "привет мир", "42}", "\"chat_id\":7,", "CLOSE");

    private static final List<String> REGEXES = List.of("needle-7f\\d[A-Z]", "order #\\d+ shipped", "absent-\\w+-nowhere",
            "\"chat_id\":4\\d,", "(?i)NEEDLE", "quick|absent-xyz", "мир");

    @TempDir
    Path dir;

    @Test
    void searchesFindExactlyTheFramesThatHoldTheText() throws Exception {
        List<RecordedFrame> frames = record();
        try (H2RecordingStore store = H2RecordingStore.openReader(dir)) {
            assertThat(indexRows("SELECT COUNT(*) FROM block_index WHERE grams IS NOT NULL", store))
                    .as("signed blocks").isGreaterThan(5);
            for (String text : SEARCHES) {
                assertThat(search(store, text)).as("search for '%s'", text).containsExactlyElementsOf(bruteForce(frames, text));
            }
            for (String regex : REGEXES) {
                assertThat(searchRegex(store, regex)).as("regex /%s/", regex).containsExactlyElementsOf(bruteForceRegex(frames, regex));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("sockscope"), "sa", "");
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE block_index SET grams = NULL WHERE MOD(first_seq, 3) = 0"); // as a version 6 folder
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(dir)) {
            for (String text : SEARCHES) {
                assertThat(search(store, text)).as("search for '%s', some blocks unsigned", text)
                        .containsExactlyElementsOf(bruteForce(frames, text));
            }
            for (String regex : REGEXES) {
                assertThat(searchRegex(store, regex)).as("regex /%s/, some blocks unsigned", regex)
                        .containsExactlyElementsOf(bruteForceRegex(frames, regex));
            }
        }
    }

    private List<RecordedFrame> record() throws Exception {
        Random random = new Random(5);
        List<RecordedFrame> frames = new ArrayList<>();
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            store.append(Fixtures.decoded(store, List.of(new CaptureEvent.SessionOpened(Fixtures.session(1)))));
            List<CaptureEvent> batch = new ArrayList<>();
            for (int seq = 1; seq <= FRAMES; seq++) {
                String text = "{\"name\":\"Event.SendMessage\",\"args\":{\"chat_id\":" + random.nextInt(50) + ",\"text\":\""
                        + switch (seq == 4321 || seq == 4322 || seq == 11_000 ? 5 : seq % 997 == 5 ? 0 : seq % 997) { // in two blocks of eight
                            case 5 -> "a needle-7F3A in the hay";
                            case 9 -> "order #4711 shipped";
                            case 11 -> "привет мир, é";
                            default -> "the quick brown fox " + Long.toHexString(random.nextLong());
                        } + "\"}}";
                FrameType type = seq % 301 == 0 ? FrameType.BINARY : FrameType.TEXT;
                RecordedFrame f = new RecordedFrame(1, seq, Fixtures.T0 + seq, seq % 2 == 0 ? Direction.SERVER_TO_CLIENT
                        : Direction.CLIENT_TO_SERVER, type, text.getBytes(StandardCharsets.UTF_8), 1, null);
                frames.add(f);
                batch.add(new CaptureEvent.FrameCaptured(f));
                if (batch.size() == 1500) {
                    store.append(Fixtures.decoded(store, batch));
                    batch.clear();
                }
            }
            store.append(Fixtures.decoded(store, batch));
        }
        return frames;
    }

    private static List<Long> search(RecordingStore store, String text) throws Exception {
        return allMatches(store, new FrameFilter(null, Set.of(), null, null, Set.of(), text, null, false, null, null));
    }

    private static List<Long> searchRegex(RecordingStore store, String regex) throws Exception {
        return allMatches(store, new FrameFilter(null, Set.of(), null, null, Set.of(), null, com.google.re2j.Pattern.compile(regex),
                false, null, null));
    }

    /** Every match, page by page, as the inspector reads them. */
    private static List<Long> allMatches(RecordingStore store, FrameFilter filter) throws Exception {
        List<Long> seqs = new ArrayList<>();
        FramePage page = store.frames(1, new FrameQuery(filter, 0, null, 500));
        while (true) {
            page.frames().forEach(f -> seqs.add(f.seq()));
            if (page.next() == null) {
                return seqs;
            }
            page = store.frames(1, new FrameQuery(filter, page.next(), null, 500));
        }
    }

    private static List<Long> bruteForceRegex(List<RecordedFrame> frames, String regex) {
        com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(regex);
        return frames.stream().filter(f -> f.type() != FrameType.BINARY && p.matcher(new String(f.payload(), StandardCharsets.UTF_8)).find())
                .map(RecordedFrame::seq).toList();
    }

    /** What the search means, frame by frame: the payload as text (binary frames have none) contains it, any case. */
    private static List<Long> bruteForce(List<RecordedFrame> frames, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return frames.stream().filter(f -> f.type() != FrameType.BINARY
                        && new String(f.payload(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(lower))
                .map(RecordedFrame::seq).toList();
    }

    private long indexRows(String sql, H2RecordingStore ignored) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("sockscope") + ";ACCESS_MODE_DATA=r", "sa", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
