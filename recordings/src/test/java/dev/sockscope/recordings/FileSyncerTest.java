package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the writer is done with are closed by the syncer within its interval, what was written kept. */
class FileSyncerTest {
    @TempDir
    Path dir;

    @Test
    void aFileHandedOverIsClosedWithinTheIntervalWithWhatWasWritten() throws Exception {
        Path file = dir.resolve("1.seg");
        try (FileSyncer syncer = new FileSyncer()) {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            syncer.written(ch);
            syncer.closeLater(ch);
            await().atMost(Duration.ofSeconds(5)).until(() -> !ch.isOpen());
        }
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void closingTheSyncerClosesWhatIsStillHandedOver() throws Exception {
        FileChannel ch = FileChannel.open(dir.resolve("2.seg"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileSyncer syncer = new FileSyncer();
        syncer.closeLater(ch);
        syncer.close();
        assertThat(ch.isOpen()).isFalse();
    }
}
