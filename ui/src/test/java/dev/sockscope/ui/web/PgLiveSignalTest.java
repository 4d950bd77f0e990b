package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.PostgresServer;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.StoreLocation;
import dev.sockscope.recordings.Stores;
import dev.sockscope.wire.Direction;

/**
 * {@code sockscope ui} on a team store: a frame one process writes reaches another process's live stream when the
 * writer's NOTIFY arrives, not at a poll (the source's own look while signalled is set to a minute here); when the
 * listening connection is cut, the source polls, then listens again once it can connect.
 */
class PgLiveSignalTest {
    private PostgresServer server;
    private RecordingStore writer;
    private PgRecordingStore reader;
    private StorePollingSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        if (reader != null) {
            reader.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFrameWrittenByOneStoreReachesAnotherStoresLiveStreamByNotifyAndByPollingWhileTheListenerIsCut() throws Exception {
        server = PostgresServer.start();
        StoreLocation.Postgres location = server.newDatabase();
        writer = Stores.openWriter(location);
        reader = PgRecordingStore.openReader(location);
        source = new StorePollingSource(reader, 200, reader.changeSignal(), Duration.ofMinutes(1));
        BlockingQueue<LiveEvent.FrameAdded> frames = new LinkedBlockingQueue<>();
        source.subscribe(e -> {
            if (e instanceof LiveEvent.FrameAdded f) {
                frames.add(f);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(source::signalled);
        Recordings recordings = new Recordings(writer);
        Recordings.Session session = recordings.open("/ws", null);

        long notified = timeToSee(frames, () -> session.text(Direction.CLIENT_TO_SERVER, "by notify"), "by notify");
        System.out.printf("team store live update by NOTIFY: %.1f ms%n", notified / 1e6);
        assertThat(notified).as("seen by NOTIFY, not by the minute's look").isLessThan(Duration.ofSeconds(1).toNanos());

        assertThat(cutListener(location)).as("the listening connection was found and cut").isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !source.signalled());
        long polled = timeToSee(frames, () -> session.text(Direction.SERVER_TO_CLIENT, "by polling"), "by polling");
        System.out.printf("team store live update while the listener is cut (polling every 200 ms): %.1f ms%n", polled / 1e6);
        assertThat(polled).as("seen by polling (the listener tries again only after 2 s)").isLessThan(Duration.ofSeconds(1).toNanos());

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(source::signalled);
        long again = timeToSee(frames, () -> session.text(Direction.CLIENT_TO_SERVER, "listening again"), "listening again");
        assertThat(again).as("seen by NOTIFY again once the listener is back").isLessThan(Duration.ofSeconds(1).toNanos());
    }

    private interface Write {
        void run() throws Exception;
    }

    /** Nanoseconds from before {@code write} until its frame is in the live stream (at most 10 s). */
    private static long timeToSee(BlockingQueue<LiveEvent.FrameAdded> frames, Write write, String text) throws Exception {
        frames.clear();
        long start = System.nanoTime();
        write.run();
        while (true) {
            LiveEvent.FrameAdded f = frames.poll(10 - (System.nanoTime() - start) / 1_000_000_000L, TimeUnit.SECONDS);
            assertThat(f).as("the live stream got '%s' within 10 s", text).isNotNull();
            if (new String(f.frame().frame().payload(), java.nio.charset.StandardCharsets.UTF_8).equals(text)) {
                return System.nanoTime() - start;
            }
        }
    }

    /** Ends the inspector's listening connection on the server, as a restart or a network cut would; returns how many. */
    private static int cutListener(StoreLocation.Postgres location) throws Exception {
        try (Connection c = DriverManager.getConnection(location.jdbcUrl(), location.user(), location.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = 'sockscope-listen'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
