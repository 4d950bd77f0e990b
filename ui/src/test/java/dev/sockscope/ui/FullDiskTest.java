package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.testing.WebSocketRecorder;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;

/**
 * docs/recording.md, "Durability": a proxy recording onto a small file system that fills up stops reading, ends every
 * session in its recording with the first seq it could not record, exits with one clear line, and the folder opens
 * again once space is freed; nothing relayed is missing from the recording unless its session says so. The file
 * system is a tmpfs the test mounts, which takes root; elsewhere the test is skipped and says why.
 */
@ExtendWith(ChildProcess.Cleanup.class)
class FullDiskTest {
    private static final Pattern NOT_RECORDED = Pattern.compile("frames from seq (\\d+) on were relayed but not recorded");

    @TempDir
    Path tmp;
    private Path disk;
    private TestUpstream upstream;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        String uid = ChildProcess.run(new ProcessBuilder("id", "-u")).trim();
        Assumptions.assumeTrue(uid.equals("0"), "mounting a small tmpfs takes root, and this test runs as uid " + uid);
        disk = Files.createDirectory(tmp.resolve("disk"));
        ChildProcess mount = ChildProcess.start(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", disk.toString()));
        int code = mount.awaitExit(Duration.ofSeconds(30));
        Assumptions.assumeTrue(code == 0, "cannot mount a tmpfs here (in a container without CAP_SYS_ADMIN?): " + mount.output());
        upstream = TestUpstream.start();
    }

    @AfterEach
    void unmount() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (disk != null) {
            ChildProcess.start(new ProcessBuilder("umount", "-l", disk.toString())).awaitExit(Duration.ofSeconds(30));
        }
    }

    @Test
    void aFullDiskStopsTheRelayEndsEverySessionWithWhatWasNotRecordedAndTheFolderOpensOnceSpaceIsFreed() throws Exception {
        Path db = disk.resolve("recordings");
        List<List<String>> echoed = List.of(new ArrayList<>(), new ArrayList<>());
        Random random = new Random(22);
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx256m"), db, upstream.uri())) {
            List<TestClient> clients = List.of(TestClient.connect(proxy.uri("/a")), TestClient.connect(proxy.uri("/b")));
            boolean relaying = true;
            for (int i = 0; relaying && i < 100_000; i++) {
                for (int c = 0; c < 2 && relaying; c++) {
                    String message = c + "-" + i + "-" + randomText(random, 16 << 10); // barely compressible: fills the disk fast
                    clients.get(c).sendText(message);
                    relaying = echoOf(clients.get(c), echoed.get(c));
                }
            }
            assertThat(proxy.awaitExit(Duration.ofSeconds(60))).as("the proxy's exit status").isEqualTo(1);
            List<String> lines = proxy.output();
            assertThat(lines).as("its last line, of: %s", String.join("\n", lines)).last().asString()
                    .startsWith("sockscope: recording failed, so the proxy stops rather than relay unrecorded traffic:")
                    .containsAnyOf("No space left on device", "is full");
        }
        assertThat(echoed.get(0).size() + echoed.get(1).size()).as("messages relayed before the disk filled").isGreaterThan(20);

        ChildProcess grow = ChildProcess.start(new ProcessBuilder("mount", "-o", "remount,size=64m", disk.toString()));
        assertThat(grow.awaitExit(Duration.ofSeconds(30))).as("freeing space: %s", grow.output()).isZero();
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            List<SessionRecord> sessions = store.sessions(10);
            assertThat(sessions).hasSize(2);
            for (SessionRecord s : sessions) {
                int c = s.info().handshake().path().equals("/a") ? 0 : 1;
                assertThat(s.end()).as("session %s ended in its recording", s.info().handshake().path()).isNotNull();
                Matcher m = NOT_RECORDED.matcher(s.end().error());
                assertThat(m.find()).as("its error says from where on nothing was recorded: %s", s.end().error()).isTrue();
                long firstNotRecorded = Long.parseLong(m.group(1));
                Set<String> recorded = new HashSet<>();
                long lastSeq = 0;
                for (RecordedFrame f : store.frames(s.id(), 0, 1_000_000)) {
                    lastSeq = f.seq();
                    if (f.from() == Direction.SERVER_TO_CLIENT) {
                        recorded.add(f.text());
                    }
                }
                assertThat(lastSeq).as("recorded up to the seq before the noted one").isEqualTo(firstNotRecorded - 1);
                // The echo of message k is the session's frame 2k + 2 (each message, then its echo).
                for (int k = 0; k < echoed.get(c).size(); k++) {
                    if (!recorded.contains(echoed.get(c).get(k))) {
                        assertThat(2L * k + 2).as("an echo relayed and not recorded lies past the noted seq").isGreaterThanOrEqualTo(firstNotRecorded);
                    }
                }
            }
        }
        try (ProxyProcess again = ProxyProcess.start(db, upstream.uri())) {
            TestClient client = TestClient.connect(again.uri("/c"));
            client.sendText("after the disk was freed");
            assertThat(client.events.nextText()).isEqualTo("after the disk was freed");
        }
    }

    /** Waits for the echo; false once none comes (the proxy stopped reading, or closed). */
    private static boolean echoOf(TestClient client, List<String> echoed) throws InterruptedException {
        try {
            WebSocketRecorder.Event e = client.events.next(Duration.ofSeconds(5));
            if (e instanceof WebSocketRecorder.Text t) {
                echoed.add(t.text());
                return true;
            }
            return false;
        } catch (AssertionError noEcho) {
            return false;
        }
    }

    private static String randomText(Random random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) ('!' + random.nextInt(90));
        }
        return new String(c);
    }
}
