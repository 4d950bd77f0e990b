package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * SignalR's JSON hub protocol through the proxy: the official @microsoft/signalr client against a hub server
 * written from the protocol's specification ({@code signalr/server.js}; there is no .NET here).
 */
class SignalRPeersTest extends PeersTestBase {
    static final String TOKEN = "s3cr3t-signalr-token";
    static final String RS = "\u001e";

    /** The recordings folder the run writes (PeersTestBase puts it there). */
    private Path recordings;

    @Override
    Scenario scenario(Path temp) {
        recordings = temp.resolve("recordings");
        return Scenario.node("signalr", List.of(TOKEN));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-json-hub-protocol");
    }

    @Override
    String libraries() {
        return NodePeers.version("@microsoft/signalr", "ws") + " (server: signalr/server.js, written from the JSON Hub Protocol spec)";
    }

    @Test
    void everyFrameIsRecordsEndedByTheRecordSeparatorAfterTheHandshake() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client.get(0)).isEqualTo("{\"protocol\":\"json\",\"version\":1}" + RS);
        assertThat(server.get(0)).isEqualTo("{}" + RS);
        assertThat(client).allSatisfy(t -> assertThat(t).endsWith(RS));
        assertThat(server).allSatisfy(t -> assertThat(t).endsWith(RS));
        assertThat(server).as("a frame with two records").anySatisfy(t -> assertThat(t.split(RS)).hasSize(2));
    }

    @Test
    void invocationsStreamsPingsAndErrorsAreOnTheWire() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client).contains("{\"target\":\"Counter\",\"arguments\":[5,20],\"invocationId\":\"2\",\"type\":4}" + RS,
                "{\"invocationId\":\"3\",\"item\":20,\"type\":2}" + RS, "{\"type\":6}" + RS, "{\"type\":7}" + RS);
        assertThat(server).contains("{\"type\":3,\"invocationId\":\"1\"}" + RS, "{\"type\":2,\"invocationId\":\"2\",\"item\":1}" + RS,
                "{\"type\":3,\"invocationId\":\"4\",\"result\":42}" + RS, "{\"type\":6}" + RS)
                .anySatisfy(t -> assertThat(t).contains("\"error\":\"An unexpected error occurred invoking 'Fail'"));
        assertThat(run.session(0).session().info().handshake().requestHeaders())
                .anySatisfy(h -> assertThat(h.name()).isEqualToIgnoringCase("Authorization"));
    }

    @Test
    void theStoreSaysSignalRChosenByItsHandshakeRecordAndEveryRecordDecodes() {
        assertThat(run.session(0).session().protocol()).isEqualTo("signalr");
        assertThat(run.session(0).session().protocolReason()).isEqualTo("content: frame 1 matches the signalr decoder");
        assertThat(run.session(0).session().unanswered()).as("every invocation answered (null: none)").isNullOrEmpty();
        assertThat(stored()).filteredOn(f -> f.frame().type() == FrameType.TEXT)
                .allSatisfy(f -> assertThat(f.decoding().protocol()).isEqualTo("signalr"))
                .allSatisfy(f -> assertThat(f.decoding().warnings()).as("frame %d", f.seq()).isEmpty());
        StoredFrame request = stored("{\"protocol\":\"json\",\"version\":1}" + RS);
        assertThat(stored("{}" + RS).decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("handshake", Kind.RESPONSE, request.seq());
    }

    @Test
    void invocationsAreLabelledByTargetAndTheirCompletionsPairedWithLatency() {
        StoredFrame echo = storedStarting("{\"target\":\"Echo\"");
        assertThat(echo.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("Echo", Kind.REQUEST);
        StoredFrame result = storedStarting("{\"type\":3,\"invocationId\":\"0\"");
        assertThat(result.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("Echo", Kind.RESPONSE, echo.seq());
        assertThat(result.decoding().latencyMicros()).isEqualTo(result.frame().timeMicros() - echo.frame().timeMicros()).isPositive();
        StoredFrame fail = storedStarting("{\"target\":\"Fail\"");
        assertThat(storedStarting("{\"type\":3,\"invocationId\":\"5\",\"error\"").decoding())
                .extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("Fail", Kind.ERROR, fail.seq());
        assertThat(storedStarting("{\"target\":\"Fire\"").decoding()).as("no invocationId: nothing to answer")
                .extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("Fire", Kind.EVENT);
    }

    @Test
    void streamItemsAreGroupedUnderTheirStreamInvocationUntilItsCompletion() {
        StoredFrame counter = storedStarting("{\"target\":\"Counter\"");
        List<StoredFrame> items = stored().stream().filter(f -> f.frame().text().startsWith("{\"type\":2,\"invocationId\":\"2\"")).toList();
        assertThat(items).hasSize(5).allSatisfy(f -> assertThat(f.decoding())
                .extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("Counter", Kind.RESPONSE, counter.seq()));
        assertThat(items.get(4).frame().text()).as("the last item and the Completion share a frame").contains("\"type\":3");
        StoredFrame sum = storedStarting("{\"target\":\"Sum\"");
        assertThat(stored().stream().filter(f -> f.frame().text().startsWith("{\"invocationId\":\"3\""))).as("the client's upload stream")
                .hasSize(4).allSatisfy(f -> assertThat(f.decoding().label()).isEqualTo("Sum"))
                .last().satisfies(f -> assertThat(f.decoding().correlatesWith()).isEqualTo(sum.seq()));
        assertThat(storedStarting("{\"type\":3,\"invocationId\":\"4\"").decoding().correlatesWith()).isEqualTo(sum.seq());
    }

    @Test
    void pingsAreHeartbeatsAndTheBearerTokenIsNotInTheStore() {
        assertThat(stored().stream().filter(f -> f.frame().text().equals("{\"type\":6}" + RS)))
                .hasSizeGreaterThanOrEqualTo(2).allSatisfy(f -> assertThat(f.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind)
                        .containsExactly("ping", Kind.HEARTBEAT));
        assertThat(run.session(0).session().info().handshake().toString()).doesNotContain(TOKEN);
        assertThat(stored()).allSatisfy(f -> assertThat(f.frame().text() + f.decoding().summary()).doesNotContain(TOKEN));
    }

    @Test
    void noCredentialIsInAnyFileOfTheRecordingsFolder() {
        SecretsOnDisk.assertNowhere(recordings, TOKEN, "and forget");
    }

    /** The stored frames of the session, as the store returns them. */
    private List<StoredFrame> stored() {
        return run.session(0).frames();
    }

    private StoredFrame stored(String text) {
        List<StoredFrame> found = stored().stream().filter(f -> f.frame().type() == FrameType.TEXT && f.frame().text().equals(text)).toList();
        assertThat(found).as("stored frames " + text).hasSize(1);
        return found.get(0);
    }

    private StoredFrame storedStarting(String prefix) {
        List<StoredFrame> found = stored().stream().filter(f -> f.frame().type() == FrameType.TEXT && f.frame().text().startsWith(prefix)).toList();
        assertThat(found).as("stored frames starting with " + prefix).hasSize(1);
        return found.get(0);
    }
}
