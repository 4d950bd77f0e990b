package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * {@code sessions --starred} and {@code retention --keep-size} on a real PostgreSQL: the size policy deletes the oldest
 * ended sessions and says so, and what it kept because it was starred; a folder is refused.
 */
class TeamRetentionCliTest {
    private static final int PAYLOAD = 64 * 1024;
    @RegisterExtension
    static final PostgresServer.PerClass PG = new PostgresServer.PerClass();

    /** An ended session on {@code path}, {@code daysAgo} days old, holding {@code PAYLOAD} random (incompressible) bytes. */
    private static long record(RecordingStore store, String path, int daysAgo) throws Exception {
        long id = store.nextSessionId();
        long at = System.currentTimeMillis() * 1000 - daysAgo * 86_400_000_000L;
        byte[] bytes = new byte[PAYLOAD];
        new Random(id).nextBytes(bytes);
        Handshake h = new Handshake(path, null, List.of(new Header("Host", "chat.example.org")), 101, List.of(), null, List.of());
        List<CaptureEvent> events = new ArrayList<>(List.of(
                new CaptureEvent.SessionOpened(new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org", "127.0.0.1:50000", h, at)),
                new CaptureEvent.FrameCaptured(new RecordedFrame(id, 1, at + 10, Direction.SERVER_TO_CLIENT, FrameType.BINARY, bytes, 1, null)),
                new CaptureEvent.SessionClosed(id, new SessionEnd(at + 1000, 1000, "done", ClosedBy.CLIENT, null))));
        store.append(new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false).decodeAll(events));
        return id;
    }

    @Test
    void theSizePolicyDeletesTheOldestEndedSessionsAndKeepsTheStarredOne(@TempDir Path folder) throws Exception {
        StoreLocation.Postgres location = PG.newDatabase();
        String db = location.toString();
        long starred;
        long newest;
        try (PgRecordingStore store = PgRecordingStore.openWriter(location, "laptop", "alpha")) {
            starred = record(store, "/starred-oldest", 9);
            store.star(starred, true);
            record(store, "/second", 8);
            record(store, "/third", 7);
            newest = record(store, "/newest", 1);
        }
        String listed = Cli.run("sessions", "--db", db, "--starred");
        assertThat(listed).contains("/starred-oldest").contains("starred").doesNotContain("/second", "/newest");
        assertThat(Cli.run("sessions", "--db", db)).contains("/starred-oldest", "/second", "/third", "/newest");

        // Four sessions of 64 KiB; at most 150 KiB keeps two: the starred one and the newest.
        String applied = Cli.run("retention", "--db", db, "--keep-size", "150KiB");
        assertThat(applied).contains("deleted 2 sessions (0 older than the policy, 2 for its size")
                .contains("kept 1 starred and 0 that a replay refers to")
                .contains("keeps at most 150 KiB recorded")
                .contains("never starred sessions nor those a replay refers to");
        try (PgRecordingStore reader = PgRecordingStore.openReader(location)) {
            assertThat(reader.sessions(100)).extracting(SessionRecord::id).containsExactlyInAnyOrder(starred, newest);
            assertThat(reader.recordedBytes()).isLessThanOrEqualTo(150 * 1024);
        }
        assertThat(Cli.run("retention", "--db", db)).contains("keeps at most 150 KiB recorded").contains("it records 128.");

        assertThat(Cli.run("retention", "--db", db, "--keep-days", "30", "--keep-size", "64KiB"))
                .contains("deleted 1 sessions (0 older than the policy, 1 for its size")
                .contains("keeps ended sessions 30 days, at most 64 KiB recorded");
        assertThat(Cli.run("retention", "--db", db, "--keep-size", "1")).contains("still over 1 B");
        assertThat(Cli.run("retention", "--db", db, "--keep-all")).contains("keeps every session");

        StringWriter err = new StringWriter();
        assertThat(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("retention", "--db", db, "--keep-all", "--keep-days", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--keep-all keeps everything");
        err = new StringWriter();
        assertThat(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("retention", "--db", folder.toString(), "--keep-size", "1GiB")).isEqualTo(2);
        assertThat(err.toString()).contains("a recordings folder keeps what you do not delete");
    }
}
