package dev.sockscope.ui.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * The inspector's speed at a million frames (a benchmark, not a test): records one session of {@code FRAMES} frames of
 * about 200 bytes of event-chat JSON, both directions (requests and their answers), through the real recorder and store,
 * then times each API endpoint, server and loopback HTTP together, median of 5 after a warm-up.
 *
 * <pre>
 * mvn -B -q -o -pl ui -am test-compile
 * java -cp "$(cat /tmp/cp)" dev.sockscope.ui.web.InspectorSpeed /tmp/speed-db 1000000
 * PGUSER=postgres java -cp "$(cat /tmp/cp)" dev.sockscope.ui.web.InspectorSpeed jdbc:postgresql://127.0.0.1:5433/speed 1000000
 * </pre>
 * A JDBC URL records into that PostgreSQL database (a new, empty one: a team store), user {@code $PGUSER} and
 * password {@code $PGPASSWORD}, so that the team store's figures can be put beside the folder's.
 * (docs/performance.md, "Speed of the inspector", says how the class path is made.)
 */
public final class InspectorSpeed {
    private static final String[] EVENTS = {"Event.SendMessage", "Event.GetHistory", "Event.MarkRead", "Event.Typing",
            "Event.GetUnreadInfo", "Event.UpdateProfile", "Event.ListChats", "Event.Ping"};
    private static final String WORDS = "the quick brown fox jumps over a lazy dog while chat messages fly past at speed ";

    private InspectorSpeed() {
    }

    public static void main(String[] args) throws Exception {
        String where = args.length > 0 ? args[0] : "/tmp/sockscope-speed";
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        StoreLocation location;
        if (where.startsWith("jdbc:postgresql:")) {
            location = new StoreLocation.Postgres(where, System.getenv().getOrDefault("PGUSER", "postgres"), System.getenv("PGPASSWORD"));
        } else {
            deleteTree(Path.of(where));
            location = new StoreLocation.Folder(Path.of(where));
        }
        long payloadBytes = record(location, frames);
        long stored = storedBytes(location);
        System.out.printf("store: %d bytes for %d frames: %.0f bytes per frame, %.2fx the payload (%.0f bytes per frame)%n",
                stored, frames, stored / (double) frames, stored / (double) payloadBytes, payloadBytes / (double) frames);
        try (RecordingStore store = Stores.openReader(location);
             TestSource live = new TestSource();
             InspectorApp app = new InspectorApp(store, live, ProtocolRegistry.builtIn(), InspectorOptions.parse("127.0.0.1:0", null)).start()) {
            Http http = new Http(app.port());
            long id = store.sessions(1).get(0).id();
            String f = "/api/sessions/" + id + "/frames";
            time(http, "sessions list", "/api/sessions");
            time(http, "session", "/api/sessions/" + id);
            time(http, "first timeline page (200)", f + "?limit=200");
            time(http, "page by cursor, middle", f + "?limit=200&after=" + frames / 2);
            time(http, "page by cursor, end", f + "?limit=200&after=" + (frames - 150));
            time(http, "page backwards from the end", f + "?limit=200&before=" + frames);
            time(http, "filter label (1 in 8)", f + "?limit=200&label=GetHistory");
            time(http, "filter label (rare, from the start)", f + "?limit=200&label=Event.Rare");
            time(http, "filter kind=response, from=server", f + "?limit=200&kind=response&from=server");
            time(http, "filter label, previous match from the end", f + "?limit=1&label=Event.Rare&before=" + frames);
            time(http, "text search (common)", f + "?limit=200&text=lazy%20dog");
            time(http, "text search (rare)", f + "?limit=200&text=needle-in-the-haystack");
            time(http, "text search (no match: whole session)", f + "?limit=200&text=no-such-text-anywhere");
            time(http, "regex search (no match: whole session)", f + "?limit=200&regex=zz%5B0-9%5D%7B9%7D");
            time(http, "regex search (rare, holds a literal run)", f + "?limit=200&regex=needle-in-the-hay%5Cw%2B");
            time(http, "frame with pair", f + "/" + (frames / 2 + 1));
            time(http, "stats", "/api/sessions/" + id + "/stats");
        }
    }

    /** Records the session; returns the payload bytes written. */
    private static long record(StoreLocation location, int frames) throws Exception {
        long payloadBytes = 0;
        long start = System.nanoTime();
        try (RecordingStore store = Stores.openWriter(location)) {
            CaptureDecoder decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
            long id = store.nextSessionId();
            long t0 = 1_767_000_000_000_000L;
            Handshake h = new Handshake("/ws", "sid=speed", List.of(new Header("Host", "chat.example.org")), 101, List.of(), null, List.of());
            store.append(decoder.decodeAll(List.of(new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org",
                    "127.0.0.1:50000", h, t0)))));
            List<CaptureEvent> batch = new ArrayList<>(1000);
            for (int seq = 1; seq <= frames; seq++) {
                boolean request = seq % 2 == 1;
                int pair = (seq - 1) / 2;
                String name = pair % 5000 == 4999 ? "Event.Rare" : EVENTS[pair % EVENTS.length];
                String text = request
                        ? "{\"name\":\"" + name + "\",\"args\":\"{\\\"user_id\\\":" + (pair % 977) + ",\\\"chat\\\":" + (pair % 31)
                          + ",\\\"text\\\":\\\"" + words(pair) + "\\\"}\"}"
                        : "{\"name\":\"" + name + "\",\"ok\":true,\"result\":{\"id\":" + pair + ",\"stored\":true,\"note\":\""
                          + (pair == frames / 3 ? "needle-in-the-haystack" : words(pair + 7)) + "\"}}";
                byte[] payload = text.getBytes(StandardCharsets.UTF_8);
                payloadBytes += payload.length;
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, t0 + seq * 100L,
                        request ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, FrameType.TEXT, payload, 1, null)));
                if (batch.size() == 1000) {
                    store.append(decoder.decodeAll(batch));
                    batch = new ArrayList<>(1000);
                }
            }
            batch.add(new CaptureEvent.SessionClosed(id, new SessionEnd(t0 + (frames + 1) * 100L, 1000, "", ClosedBy.CLIENT, null)));
            store.append(decoder.decodeAll(batch));
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("recorded %d frames (%.0f bytes of payload each) in %.1f s: %.0f frames/s, %.1f µs per frame"
                        + " (decoding, masking, encoding, compression, index, store)%n",
                frames, payloadBytes / (double) frames, s, frames / s, s * 1e6 / frames);
        return payloadBytes;
    }

    /** The folder's files (H2's index and the recording files), or the PostgreSQL database's size on disk. */
    private static long storedBytes(StoreLocation location) throws Exception {
        if (location instanceof StoreLocation.Postgres pg) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                 java.sql.ResultSet r = c.createStatement().executeQuery("SELECT pg_database_size(current_database())")) {
                r.next();
                return r.getLong(1);
            }
        }
        try (Stream<Path> files = Files.walk(((StoreLocation.Folder) location).directory())) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum(); // index, recording files
        }
    }

    private static String words(int n) {
        int from = n % 10;
        return (WORDS + WORDS).substring(from, from + 115 + n % 9);
    }

    private static void time(Http http, String what, String path) {
        Http.Answer first = http.get(path);
        if (first.status() != 200) {
            throw new IllegalStateException(path + ": " + first.status() + " " + first.body());
        }
        long[] ms = new long[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            http.get(path);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf("%-45s %5d ms (min %d, max %d) %7d bytes%n", what, ms[2], ms[0], ms[4], first.body().length());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
