package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHoldersTest {
    @TempDir
    Path dir;

    @Test
    void aFileThisProcessHoldsOpenNamesThisProcessAndAClosedOneNoOne() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        Path file = Files.writeString(dir.resolve("sockscope.mv.db"), "x");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(FileHolders.of(file)).singleElement().asString()
                    .startsWith("process " + ProcessHandle.current().pid() + " (this one): ");
        }
        assertThat(FileHolders.of(file)).isEmpty();
    }
}
