package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the writer is done with are closed at once and forced by path by the syncer within its interval, once
 * each, what was written kept. The tests see what is forced through the syncer's fsync-by-path step.
 */
class FileSyncerTest {
    @TempDir
    Path dir;

    private final List<Path> forced = new CopyOnWriteArrayList<>();

    @Test
    void aFileHandedOverIsClosedAtOnceAndForcedWithinTheInterval() throws Exception {
        Path file = dir.resolve("1.seg");
        try (FileSyncer syncer = new FileSyncer(forced::add)) {
            FileChannel ch = write(file, new byte[] {1, 2, 3});
            syncer.written(ch, file);
            syncer.closeLater(ch, file);

            assertThat(ch.isOpen()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> forced.contains(file));
        }
        assertThat(forced).containsExactly(file);
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    @Test
    void aFileNotWrittenSinceItsLastFsyncIsNotForcedAgain() throws Exception {
        Path file = dir.resolve("2.seg");
        FileSyncer syncer = new FileSyncer(forced::add);
        FileChannel ch = write(file, new byte[] {4});
        syncer.closeLater(ch, file); // never reported written

        syncer.close();

        assertThat(ch.isOpen()).isFalse();
        assertThat(forced).isEmpty();
    }

    @Test
    void closingTheSyncerForcesWhatIsStillWaiting() throws Exception {
        Path file = dir.resolve("3.seg");
        FileSyncer syncer = new FileSyncer(forced::add);
        FileChannel ch = write(file, new byte[] {4, 5});
        syncer.written(ch, file);
        syncer.closeLater(ch, file);

        syncer.close();

        assertThat(syncer.waiting()).isZero();
        assertThat(forced).containsExactly(file);
        assertThat(Files.readAllBytes(file)).containsExactly(4, 5);
    }

    /** The writer closed an open file under the syncer's round (its fsync then fails): it is forced by path instead. */
    @Test
    void anOpenFileClosedUnderTheRoundIsForcedByPath() throws Exception {
        Path file = dir.resolve("4.seg");
        FileSyncer syncer = new FileSyncer(forced::add);
        try {
            FileChannel ch = write(file, new byte[] {7});
            syncer.written(ch, file);
            ch.close(); // as if closed between the round taking it and its fsync

            syncer.syncAll();
            syncer.syncAll();

            assertThat(forced).contains(file);
        } finally {
            syncer.close();
        }
    }

    @Test
    void aFileDeletedBeforeItsTurnIsSkipped() throws Exception {
        Path file = dir.resolve("5.seg");
        FileSyncer syncer = new FileSyncer(); // the real fsync by path
        FileChannel ch = write(file, new byte[] {6});
        syncer.written(ch, file);
        syncer.closeLater(ch, file);
        Files.delete(file);

        syncer.close();

        assertThat(syncer.waiting()).isZero();
        assertThat(file).doesNotExist();
    }

    /**
     * Thousands of short sessions a second each hand a file over; the syncer's fsyncs may fall far behind, but no file
     * stays open for one (before, each waited open for its turn, and a storm ran out of descriptors), and each is forced.
     */
    @Test
    void aStormOfFilesHandedOverHoldsNoDescriptorsWhileTheyWaitForTheirFsync() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "counts descriptors in Linux's /proc");
        int files = 3000;
        try (FileSyncer syncer = new FileSyncer(forced::add)) {
            long before = count(fds);
            for (int i = 0; i < files; i++) {
                Path file = dir.resolve(i + ".seg");
                FileChannel ch = write(file, ("session " + i).getBytes());
                syncer.written(ch, file);
                syncer.closeLater(ch, file);
            }
            assertThat(count(fds) - before).as("descriptors held after handing %d files over", files).isLessThan(50);
            await().atMost(Duration.ofSeconds(60)).until(() -> syncer.waiting() == 0);
        }
        assertThat(forced).hasSize(files).doesNotHaveDuplicates();
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
