package dev.sockscope.ui.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.wire.Capture;

/**
 * Golden captures for the decoder module: each session of a scenario written as
 * {@code decoder/src/test/resources/captures/PROTOCOL/NAME.frames} (see {@link Capture}), so that decoding tests can
 * play what the real libraries did without node. Written only when the tests run with
 * {@code -Dsockscope.captures.write=true}; the frames are as the peers sent them (the scenarios' credentials are
 * fake), the handshake as the recording kept it.
 */
final class CaptureFiles {
    static final String WRITE = "sockscope.captures.write";
    static final Path ROOT = Path.of("..", "decoder", "src", "test", "resources", "captures").toAbsolutePath().normalize();

    private CaptureFiles() {
    }

    static boolean wanted() {
        return Boolean.getBoolean(WRITE);
    }

    /**
     * Writes session {@code i} of the run as {@code names.get(i)} for every name given; {@code libraries} says what
     * recorded them (packages and versions).
     */
    static List<Path> write(PeerRun run, String testClass, String libraries, List<String> names) throws IOException {
        List<Path> written = new ArrayList<>();
        if (!wanted()) {
            return written;
        }
        if (names.size() != run.sessions().size()) {
            throw new IllegalStateException(names.size() + " capture names for " + run.sessions().size() + " sessions");
        }
        Path folder = Files.createDirectories(ROOT.resolve(run.scenario().protocol()));
        for (int i = 0; i < names.size(); i++) {
            String name = run.scenario().protocol() + "/" + names.get(i);
            Capture capture = new Capture(name, run.session(i).session().info().handshake(), RecordedWire.asSent(run, i));
            Path file = folder.resolve(names.get(i) + ".frames");
            Files.writeString(file, capture.render(List.of(
                    "Recorded through the Sockscope proxy by " + testClass + " from the real libraries: " + libraries + ".",
                    "Regenerate: mvn -B -pl ui -am test -Dtest=" + testClass + " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE + "=true",
                    "The credentials are fake; the handshake is as the recording kept it (secret headers masked).")),
                    StandardCharsets.UTF_8);
            written.add(file);
        }
        return written;
    }
}
