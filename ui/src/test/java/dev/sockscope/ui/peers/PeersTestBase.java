package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * One protocol's real libraries through the real proxy, run once per class: what every protocol's test asserts of the
 * relay and the recording (the scenario succeeded through the proxy, every message both ways recorded byte for byte,
 * permessage-deflate negotiated where the library offers it). Subclasses add what is true of their protocol's wire,
 * and are where decoding assertions (labels, kinds, pairing, masking) belong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PeersTestBase {
    PeerRun run;

    /** The scenario to run; {@code temp} is a folder it may use (deleted after the class). */
    abstract Scenario scenario(Path temp) throws Exception;

    /** The capture name of each session, in session order. */
    abstract List<String> captureNames();

    /** The packages whose versions the captures name. */
    abstract String libraries();

    /** Whether session {@code index} should have negotiated permessage-deflate (the library offers it). */
    boolean deflates(int index) {
        return true;
    }

    @BeforeAll
    void runTheScenario(@TempDir Path temp) throws Exception {
        run = PeerHarness.run(scenario(temp), temp.resolve("recordings"));
        CaptureFiles.write(run, getClass().getSimpleName(), libraries(), captureNames());
    }

    @Test
    void theClientScenarioSucceededThroughTheProxyAndEverySessionEnded() {
        assertThat(run.clientOutput()).as("the client's last line").last().isEqualTo("ok");
        assertThat(run.sessions()).as("recorded sessions").hasSize(captureNames().size());
        assertThat(run.sessions()).allSatisfy(s -> {
            assertThat(s.session().isOpen()).isFalse();
            assertThat(s.session().info().handshake().status()).isEqualTo(101);
            assertThat(s.frames()).isNotEmpty();
        });
    }

    @Test
    void everyMessageBothWaysIsRecordedByteForByte() {
        RecordedWire.assertEveryMessageRecorded(run);
    }

    @Test
    void permessageDeflateIsNegotiatedWhereTheLibraryOffersIt() {
        for (int i = 0; i < run.sessions().size(); i++) {
            List<String> extensions = run.session(i).session().info().handshake().extensions();
            if (deflates(i)) {
                assertThat(extensions).as("extensions of session %d", i + 1).anyMatch(e -> e.startsWith("permessage-deflate"));
            } else {
                assertThat(extensions).as("extensions of session %d", i + 1).noneMatch(e -> e.startsWith("permessage-deflate"));
            }
        }
    }

    /** The text messages one side sent in session {@code index}, as they crossed (see {@link #frames}). */
    List<String> texts(int index, Direction from) {
        return frames(index, from).stream().filter(f -> f.type() == FrameType.TEXT)
                .map(f -> new String(f.payload(), StandardCharsets.UTF_8)).toList();
    }

    /**
     * The frames one side sent in session {@code index} as they crossed the wire: the recorded frames with any
     * payload that masking changed in the store put back as the peer sent it (checked equal otherwise by
     * {@link #everyMessageBothWaysIsRecordedByteForByte}). What the store keeps is {@code run.session(i).frames()}.
     */
    List<RecordedFrame> frames(int index, Direction from) {
        return RecordedWire.asSent(run, index).stream().filter(f -> f.from() == from).toList();
    }
}
