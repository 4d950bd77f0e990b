package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DIR/sockscope.server}, as a reader finds it: only an announcement of a live process whose server answers is
 * used; anything else (a dead process's file, a damaged file, a live process that does not answer) is ignored with a
 * reason, and the folder still opens.
 */
class ServerAnnouncementTest {
    @TempDir
    Path dir;

    /** An announcement for this folder: {@code text}'s four lines, then the folder's identity. */
    private void announce(String text) throws Exception {
        Files.writeString(dir.resolve(LocalServer.ANNOUNCEMENT), text + LocalServer.identity(dir) + "\n");
    }

    @Test
    void aLiveProxysAnnouncementIsFoundAndAnythingElseIgnored() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            assertThat(LocalServer.findLive(dir)).as("the writer's own server").isPresent();
        }
        assertThat(LocalServer.findLive(dir)).as("removed at a clean stop").isEmpty();

        announce("garbage\n");
        assertThat(LocalServer.findLive(dir)).isEmpty();
        announce("jdbc:h2:tcp://127.0.0.1:1/x\n" + Long.MAX_VALUE + "\nU\nP\n");
        assertThat(LocalServer.findLive(dir)).as("a process that is gone").isEmpty();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        announce("jdbc:h2:tcp://127.0.0.1:" + closedPort + "/x\n" + ProcessHandle.current().pid() + "\nU\nP\n");
        assertThat(LocalServer.findLive(dir)).as("alive, but nothing answers on the port").isEmpty();
        announce("jdbc:h2:tcp://nowhere\n" + ProcessHandle.current().pid() + "\nU\nP\n");
        assertThat(LocalServer.findLive(dir)).isEmpty();

        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            assertThat(store.sessions(10)).isEmpty();
        }
    }
}
