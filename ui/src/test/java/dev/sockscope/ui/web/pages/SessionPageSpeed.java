package dev.sockscope.ui.web.pages;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.StorePollingSource;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * How fast the session page is in a real browser on one session of a million frames (a benchmark, not a test):
 * records the session through the real decoder and store (once; the folder is kept), opens the page in headless
 * Chromium and reports, from Navigation Timing, when the first timeline rows were in the DOM; then how long the
 * rows under a scrollbar jump to the middle and to the end take to appear.
 *
 * <pre>
 * mvn -B -q -o -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp
 * java -cp "ui/target/test-classes:ui/target/classes:$(cat /tmp/cp)" dev.sockscope.ui.web.pages.SessionPageSpeed /tmp/page-speed 1000000
 * </pre>
 */
public final class SessionPageSpeed {
    private static final String[] EVENTS = {"Event.SendMessage", "Event.GetHistory", "Event.MarkRead", "Event.Typing"};

    private SessionPageSpeed() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/page-speed");
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        if (!Files.exists(dir.resolve("sockscope.mv.db"))) {
            record(dir, frames);
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(dir);
             InspectorApp app = new InspectorApp(store, new StorePollingSource(store, 500), ProtocolRegistry.builtIn(),
                     InspectorOptions.parse("127.0.0.1:0", null)).start();
             Browser browser = new Browser(1400, 900)) {
            long id = store.sessions(1).get(0).id();
            String url = "http://127.0.0.1:" + app.port() + "/#/sessions/" + id;
            for (int run = 1; run <= 5; run++) {
                browser.driver.get("about:blank");
                browser.driver.get(url);
                Object rows = browser.driver.executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + " const look = () => document.querySelector('#timeline .tl-row[data-seq=\"1\"]')"
                                + "   ? done(performance.now()) : requestAnimationFrame(look); look();");
                Object nav = browser.js("const n = performance.getEntriesByType('navigation')[0];"
                        + " return [n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd];");
                Object middle = jump(browser, frames / 2, "0.5");
                Object end = jump(browser, frames, "1");
                System.out.printf("run %d: first rows at %.0f ms after navigation start (Navigation Timing"
                        + " [responseEnd, DOMContentLoaded, load] %s); jump to the middle: rows in %.0f ms; to the end: %.0f ms%n",
                        run, ((Number) rows).doubleValue(), nav, ((Number) middle).doubleValue(), ((Number) end).doubleValue());
            }
        }
    }

    /** Moves the scrollbar to a fraction of its length and times until the row of {@code seq}'s neighbourhood is drawn. */
    private static Object jump(Browser browser, int seq, String fraction) {
        return browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; const s = document.querySelector('#timeline .tl-scroller');"
                        + " const t = performance.now(); s.scrollTop = (s.scrollHeight - s.clientHeight) * " + fraction + ";"
                        + " const look = () => [...document.querySelectorAll('#timeline .tl-rows .tl-row[data-seq]')]"
                        + "   .some(r => Math.abs(Number(r.dataset.seq) - arguments[0]) < 60)"
                        + "   ? done(performance.now() - t) : requestAnimationFrame(look); look();", seq);
    }

    /** Event-chat JSON of about 200 bytes, requests and their answers in turn, 100 µs apart. */
    private static void record(Path dir, int frames) throws Exception {
        long start = System.nanoTime();
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            CaptureDecoder decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
            long id = store.nextSessionId();
            long t0 = 1_767_000_000_000_000L;
            Handshake h = new Handshake("/ws", "sid=speed", List.of(new Header("Host", "chat.example.org")), 101, List.of(), null, List.of());
            store.append(decoder.decodeAll(List.of(new CaptureEvent.SessionOpened(
                    new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org", "127.0.0.1:50000", h, t0)))));
            List<CaptureEvent> batch = new ArrayList<>(1000);
            for (int seq = 1; seq <= frames; seq++) {
                boolean request = seq % 2 == 1;
                int pair = (seq - 1) / 2;
                String name = EVENTS[pair % EVENTS.length];
                String text = request
                        ? "{\"name\":\"" + name + "\",\"args\":\"{\\\"user_id\\\":" + pair % 977 + ",\\\"chat\\\":" + pair % 31
                          + ",\\\"text\\\":\\\"the quick brown fox jumps over the lazy dog, message " + pair + "\\\"}\"}"
                        : "{\"name\":\"" + name + "\",\"ok\":true,\"result\":{\"id\":" + pair + ",\"stored\":true,"
                          + "\"note\":\"chat messages fly past at speed, this one is number " + pair + "\"}}";
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, t0 + seq * 100L,
                        request ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, FrameType.TEXT,
                        text.getBytes(StandardCharsets.UTF_8), 1, null)));
                if (batch.size() == 1000) {
                    store.append(decoder.decodeAll(batch));
                    batch = new ArrayList<>(1000);
                }
            }
            batch.add(new CaptureEvent.SessionClosed(id, new SessionEnd(t0 + (frames + 1) * 100L, 1000, "", ClosedBy.CLIENT, null)));
            store.append(decoder.decodeAll(batch));
        }
        System.out.printf("recorded %d frames in %.1f s%n", frames, (System.nanoTime() - start) / 1e9);
    }
}
