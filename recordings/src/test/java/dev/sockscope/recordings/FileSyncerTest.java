package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the writer is done with are closed at once and forced by the syncer within its interval, what was written kept. */
class FileSyncerTest {
    @TempDir
    Path dir;

    @Test
    void aFileHandedOverIsClosedAtOnceAndForcedWithinTheInterval() throws Exception {
        Path file = dir.resolve("1.seg");
        try (FileSyncer syncer = new FileSyncer()) {
            FileChannel ch = write(file, new byte[] {1, 2, 3});
            syncer.written(ch);
            syncer.closeLater(ch, file);

            assertThat(ch.isOpen()).isFalse();
            assertThat(syncer.waiting()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> syncer.waiting() == 0);
        }
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void closingTheSyncerForcesWhatIsStillWaiting() throws Exception {
        Path file = dir.resolve("2.seg");
        FileSyncer syncer = new FileSyncer();
        FileChannel ch = write(file, new byte[] {4, 5});
        syncer.written(ch);
        syncer.closeLater(ch, file);

        syncer.close();

        assertThat(syncer.waiting()).isZero();
        assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
    }

    @Test
    void aFileDeletedBeforeItsTurnIsSkipped() throws Exception {
        Path file = dir.resolve("3.seg");
        FileSyncer syncer = new FileSyncer();
        FileChannel ch = write(file, new byte[] {6});
        syncer.written(ch);
        syncer.closeLater(ch, file);
        Files.delete(file);

        syncer.close();

        assertThat(syncer.waiting()).isZero();
        assertThat(file).doesNotExist();
    }

    /**
     * Thousands of short sessions a second each hand a file over; the syncer's fsyncs may fall far behind, but no file
     * stays open for one (before, each waited open for its turn, and a storm ran out of descriptors).
     */
    @Test
    void aStormOfFilesHandedOverHoldsNoDescriptorsWhileTheyWaitForTheirFsync() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "counts descriptors in Linux's /proc");
        int files = 3000;
        try (FileSyncer syncer = new FileSyncer()) {
            long before = count(fds);
            for (int i = 0; i < files; i++) {
                Path file = dir.resolve(i + ".seg");
                FileChannel ch = write(file, ("session " + i).getBytes());
                syncer.written(ch);
                syncer.closeLater(ch, file);
            }
            assertThat(count(fds) - before).as("descriptors held after handing %d files over", files).isLessThan(50);
            await().atMost(Duration.ofSeconds(60)).until(() -> syncer.waiting() == 0);
        }
        for (int i = 0; i < files; i += 499) {
            assertThat(Files.readString(dir.resolve(i + ".seg"))).isEqualTo("session " + i);
        }
    }

    private static FileChannel write(Path file, byte[] bytes) throws Exception {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(bytes));
        return ch;
    }

    private static long count(Path fds) throws Exception {
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        }
    }
}
