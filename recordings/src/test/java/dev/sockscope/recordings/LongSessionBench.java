package dev.sockscope.recordings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/**
 * Records one session of N chat frames (about 200 bytes of JSON each) through the decoding and the store, as the
 * proxy's recorder does, printing the heap in use after a GC and the process's resident memory every 100 000 frames:
 * what grows with a session's length shows here. Not a test; run by hand (docs/recording.md, "Memory").
 * Arguments: a folder, and the number of frames (default 1 000 000).
 */
public final class LongSessionBench {
    private LongSessionBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long started = System.nanoTime();
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            long id = store.nextSessionId();
            CaptureDecoder decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
            store.append(decoder.decodeAll(List.of(new CaptureEvent.SessionOpened(Fixtures.session(id)))));
            report(0, started);
            List<CaptureEvent> batch = new ArrayList<>(1000);
            for (int seq = 1; seq <= count; seq++) {
                String json = "{\"type\":\"message\",\"id\":" + seq + ",\"room\":\"general\",\"from\":\"user" + seq % 97
                        + "\",\"text\":\"hello there, this is message number " + seq + " of a long chat session\",\"ts\":"
                        + (1_700_000_000_000L + seq) + "}";
                batch.add(new CaptureEvent.FrameCaptured(new RecordedFrame(id, seq, Fixtures.T0 + seq * 100L,
                        seq % 2 == 0 ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER, FrameType.TEXT,
                        json.getBytes(StandardCharsets.UTF_8), 1, null)));
                if (batch.size() == 1000) {
                    store.append(decoder.decodeAll(batch));
                    batch.clear();
                }
                if (seq % 100_000 == 0) {
                    report(seq, started);
                }
            }
            batch.add(new CaptureEvent.SessionClosed(id, new SessionEnd(Fixtures.T0 + count * 100L + 1, 1000, "", ClosedBy.CLIENT, null)));
            store.append(decoder.decodeAll(batch));
        }
        System.out.printf("%d frames recorded in %.1f s into %s%n", count, (System.nanoTime() - started) / 1e9, dir);
    }

    private static void report(long frames, long started) throws Exception {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf("%,9d frames  %6.1f s  heap in use after GC %5.1f MiB  %s%n", frames,
                (System.nanoTime() - started) / 1e9, used / 1048576.0, rss);
    }
}
