package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * docs/recording.md, "A recorder that falls behind never freezes the app": the proxy's log says, in one line each,
 * when recording starts lagging (with what is waiting to be written) and when it catches up (after how long, and how
 * many messages were recorded in part), in the documented words; and the second line's count is what the recording
 * holds. The recorder of a real proxy process is stalled on cue ({@link StalledRecorder}).
 */
@ExtendWith(ChildProcess.Cleanup.class)
class RecordingLagLogTest {
    /** The documented lines, as the proxy's console log prints them (simplelogger: time, level, class). */
    static final Pattern BEHIND = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN CaptureBus - recording is behind"
            + " \\((\\d+) sessions?, (\\d+) frames?, (\\d+\\.\\d) MiB waiting to be written\\): the relay waits for it no longer"
            + " than 200 ms \\(--record-wait\\), so until it catches up each message keeps its first 1024 bytes in the recording,"
            + " with a note$");
    static final Pattern CAUGHT_UP = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO CaptureBus - recording caught up"
            + " after (\\d+) ms; (\\d+) messages were recorded in part meanwhile$");
    /** The proxy's options: queues of 8 MiB each, filled by some thirty messages; a short wait for the recorder. */
    static final String[] OPTIONS = {"--memory", "32MiB", "--record-wait", "200"};
    private static final Duration LINE = Duration.ofSeconds(30);

    @TempDir
    Path db;
    private TestUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    @Test
    void lagStartsAndClearsWithOneLineEachGivingTheDocumentedFigures() throws Exception {
        Matcher behind;
        Matcher caughtUp;
        long stalledAt;
        long behindSeenAt;
        long releasedAt;
        long caughtUpSeenAt;
        List<byte[]> sent;
        try (ProxyProcess proxy = ProxyProcess.start(List.of(StalledRecorder.AGENT, "-Xmx256m"), db, upstream.uri(), OPTIONS);
             StalledRecorder recorder = StalledRecorder.attach(proxy)) {
            EchoFlood flood = new EchoFlood(proxy.uri("/flood"));
            flood.send(2);
            stalledAt = System.nanoTime();
            recorder.stall();
            // Both queues fill (8 MiB each), the relay waits 200 ms for room, then reads on: recording lags.
            flood.sendUntil(() -> proxy.output().stream().anyMatch(l -> BEHIND.matcher(l).find()), 200);
            behind = proxy.child.awaitLine(BEHIND, LINE);
            behindSeenAt = System.nanoTime();
            flood.send(5); // recorded in part: the recorder is still behind
            releasedAt = System.nanoTime();
            recorder.release();
            caughtUp = proxy.child.awaitLine(CAUGHT_UP, LINE);
            caughtUpSeenAt = System.nanoTime();
            flood.close();
            sent = flood.sent;
            String output = String.join("\n", proxy.output());
            assertThat(output.lines().filter(l -> l.contains("recording is behind"))).as(output).hasSize(1);
            assertThat(output.lines().filter(l -> l.contains("recording caught up"))).as(output).hasSize(1);
            assertThat(proxy.terminate()).as(output).isIn(0, 143);
        }
        // What was waiting when lag started: this one session, and at least the capture queue's 8 MiB (full by then).
        assertThat(Integer.parseInt(behind.group(1))).as(behind.group()).isEqualTo(1);
        assertThat(Long.parseLong(behind.group(2))).as(behind.group()).isGreaterThanOrEqualTo((8L << 20) / (EchoFlood.SIZE + 128));
        assertThat(Double.parseDouble(behind.group(3))).as(behind.group()).isGreaterThanOrEqualTo(7.9);
        // Lag began after the stall and before its line was seen; it cleared after the release and before its line was seen.
        long lagMillis = Long.parseLong(caughtUp.group(1));
        assertThat(lagMillis).as(caughtUp.group())
                .isGreaterThanOrEqualTo(Duration.ofNanos(releasedAt - behindSeenAt).toMillis())
                .isLessThanOrEqualTo(Duration.ofNanos(caughtUpSeenAt - stalledAt).toMillis());

        RecordedSessions recording = RecordedSessions.read(db);
        List<RecordedFrame> frames = recording.frames(recording.list().get(0));
        List<RecordedFrame> inPart = frames.stream().filter(f -> f.note() != null).toList();
        assertThat(Long.parseLong(caughtUp.group(2))).as("%s: the messages the recording holds in part", caughtUp.group())
                .isEqualTo(inPart.size()).isGreaterThanOrEqualTo(10); // the five sent after the line, and their echoes
        for (RecordedFrame f : inPart) {
            assertThat(f.note()).isEqualTo("recorded in part: the first 1024 of " + EchoFlood.SIZE + " bytes, because the recorder"
                    + " was more than 200 ms behind (--record-wait)");
            assertThat(f.payload()).hasSize(1024);
        }
        // Every message and its echo is there, whole or (its first kilobyte) in part.
        for (Direction way : Direction.values()) {
            List<RecordedFrame> messages = frames.stream().filter(f -> f.from() == way && f.type() == FrameType.BINARY).toList();
            assertThat(messages).as(way.toString()).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                byte[] kept = messages.get(i).note() == null ? sent.get(i) : Arrays.copyOf(sent.get(i), 1024);
                assertThat(messages.get(i).payload()).as("%s message %d", way, i).isEqualTo(kept);
            }
        }
    }
}
