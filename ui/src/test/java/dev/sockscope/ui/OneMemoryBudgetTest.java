package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.EventBus;
import dev.sockscope.capture.MemoryBudget;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.ChildProcess;
import dev.sockscope.proxy.Route;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * {@code --memory}: one figure that every part of recording takes its share from (the two queues, the relay's messages
 * in progress, H2's page cache), refused with the bounds when it cannot work, and under which a recorder that falls
 * behind records in part rather than grow.
 */
class OneMemoryBudgetTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path db;
    private final FloodPeers peers = new FloodPeers();

    @AfterEach
    void stopPeers() {
        peers.close();
    }

    @Test
    void sixtyFourMibIsSplitIntoSixteenMibForEachComponent() throws Exception {
        RecordingOptions recording = RecordingOptions.DEFAULTS.withMemory(MemoryBudget.chosen(64 * MIB));
        try (ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:1"))), null,
                RelayOptions.defaults(), recording, new StoreLocation.Folder(db), false, ProtocolRegistry.builtIn())) {
            assertThat(runtime.queueLimits()).extracting(EventBus.Limits::maxQueuedBytes)
                    .as("the capture queue and the decoded queue").containsExactly(16 * MIB, 16 * MIB);
            assertThat(runtime.messageBudget().limit()).as("the relay's messages in progress").isEqualTo(16 * MIB);
            assertThat(((H2RecordingStore) runtime.store()).pageCacheKib()).as("H2's CACHE_SIZE, read back from the database")
                    .isEqualTo(16 * 1024);
        }
    }

    @Test
    void theDefaultIsThisHeapsBudget() throws Exception {
        try (ProxyRuntime runtime = ProxyRuntime.start(List.of(new Route("127.0.0.1", 0, URI.create("ws://127.0.0.1:1"))),
                RelayOptions.defaults(), db, false)) {
            MemoryBudget expected = MemoryBudget.forThisHeap();
            assertThat(runtime.memory()).isEqualTo(expected);
            assertThat(runtime.messageBudget().limit()).isEqualTo(expected.messageBytes());
            assertThat(((H2RecordingStore) runtime.store()).pageCacheKib()).isEqualTo(expected.storeCacheBytes() / 1024);
        }
    }

    @Test
    void badSizesAndBudgetsOutsideTheBoundsAreRefusedSayingWhy() {
        assertThat(refusal("--memory", "8MiB")).contains("Invalid value for option '--memory'")
                .contains("a memory budget of 8 MiB is too small: at least 16 MiB");
        assertThat(refusal("--memory", "lots")).contains("Invalid value for option '--memory'").contains("not a size: 'lots'");
        assertThat(refusal("--memory", "1000GiB")).contains("Invalid value for option '--memory'")
                .contains("a memory budget of 1000 GiB does not fit this JVM's heap").contains("raise -Xmx or lower --memory");
    }

    private String refusal(String... memory) {
        for (String command : List.of("proxy", "demo")) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of(command, "--db", db.toString(), "--no-ui"));
            if (command.equals("proxy")) {
                args.addAll(List.of("--route", "127.0.0.1:0=ws://127.0.0.1:1"));
            }
            args.addAll(List.of(memory));
            int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args.toArray(String[]::new));
            assertThat(code).as("%s: stdout %s, stderr %s", args, out, err).isEqualTo(2);
            assertThat(out.toString()).as("nothing started").doesNotContain("relaying").doesNotContain("recording to");
            if (command.equals("demo")) {
                assertThat(err.toString()).as("demo refuses alike").isNotBlank();
                continue;
            }
            return err.toString();
        }
        throw new AssertionError("unreachable");
    }

    @Test
    void aRecorderBehindUnderASmallBudgetRecordsInPartRatherThanGrow() throws Exception {
        URI upstream = peers.server();
        int sent;
        // A heap where the default budget would be 51 MiB; 16 MiB leaves 4 MiB for messages in progress, so that every
        // 10 MiB message is recorded in part (with a note) instead of being held whole, and the proxy stays up.
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Xmx128m"), db, upstream, "--memory", "16MiB")) {
            String stated = proxy.child.awaitLine(Pattern.compile("^sockscope: recording to .*; (memory budget .*)$"),
                    ChildProcess.READY).group(1);
            assertThat(stated).as("the start line states the budget and its split").isEqualTo("memory budget 16 MiB:"
                    + " capture queue 4 MiB, decoded queue 4 MiB, messages in flight 4 MiB, store cache 4 MiB");
            Process a = peers.client("flood", proxy.uri("/flood"), 4);
            Process b = peers.client("flood", proxy.uri("/flood"), 4);
            sent = FloodPeers.result(a, 120).get("sent").asInt() + FloodPeers.result(b, 120).get("sent").asInt();
            assertThat(sent).isPositive();
            int code = proxy.terminate();
            String output = String.join("\n", proxy.output());
            assertThat(output).as("the proxy never ran out of memory").doesNotContain("OutOfMemoryError");
            assertThat(code).as(output).isIn(0, 143);
        }
        try (H2RecordingStore store = H2RecordingStore.openReader(db)) {
            int messages = 0;
            int inPart = 0;
            for (SessionRecord s : store.sessions(10)) {
                List<RecordedFrame> sentFrames = new ArrayList<>();
                for (List<RecordedFrame> page = store.frames(s.id(), 0, 8); !page.isEmpty();
                     page = store.frames(s.id(), page.get(page.size() - 1).seq(), 8)) {
                    for (RecordedFrame f : page) {
                        if (f.from() == Direction.CLIENT_TO_SERVER && f.type() == FrameType.TEXT) {
                            sentFrames.add(f.withPayload(new byte[0]));
                            if (f.note() != null && f.note().contains("recorded in part")) {
                                inPart++;
                                assertThat(f.size()).as("a message recorded in part keeps less than the whole").isLessThan(10 << 20);
                            }
                        } else if (f.from() == Direction.SERVER_TO_CLIENT && f.type() == FrameType.TEXT) {
                            // Answers and ticks, whole; or, while the other session's message holds the whole share,
                            // recorded in part like any message.
                            assertThat(f.text().startsWith("{\"") || f.note() != null && f.note().contains("recorded in part"))
                                    .as("answer %d of session %d: %s (%s)", f.seq(), s.id(), f.text(), f.note()).isTrue();
                        }
                    }
                }
                for (RecordedFrame f : sentFrames) {
                    assertThat(f.wire().messageBytes()).as("every message is in the recording with its size").isEqualTo(10 << 20);
                }
                messages += sentFrames.size();
            }
            assertThat(messages).as("every 10 MiB message sent is in the recording").isEqualTo(sent);
            assertThat(inPart).as("messages larger than the 4 MiB share are recorded in part, with a note").isEqualTo(messages);
        }
    }
}
