package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the recordings folder holds on disk, byte for byte: a credential must be nowhere in it. */
final class SecretsOnDisk {
    private SecretsOnDisk() {
    }

    /**
     * Asserts that no file under {@code folder} holds {@code secret}, and, so that this cannot pass on files that hold
     * no payloads at all, that one does hold {@code recordedText} (text the same recording stores in clear).
     */
    static void assertNowhere(Path folder, String secret, String recordedText) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        byte[] knownBytes = recordedText.getBytes(StandardCharsets.UTF_8);
        boolean knownFound = false;
        for (Path f : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(indexOf(content, secretBytes)).as("%s in %s", secret, f).isNegative();
            knownFound |= indexOf(content, knownBytes) >= 0;
        }
        assertThat(knownFound).as("the recordings folder %s holds the recorded text %s (files: %s)", folder, recordedText, files).isTrue();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
