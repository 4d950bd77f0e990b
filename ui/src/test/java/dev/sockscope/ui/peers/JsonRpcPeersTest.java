package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * JSON-RPC 2.0 through the proxy with rpc-websockets (server and client): out-of-order answers, an error answer, a
 * login with a password, notifications both ways; then a raw batch on a second connection.
 */
class JsonRpcPeersTest extends PeersTestBase {
    static final String PASSWORD = "s3cr3t-rpc-password";
    private Path recordings;

    @Override
    Scenario scenario(Path temp) {
        recordings = temp.resolve("recordings");
        return Scenario.node("json-rpc", List.of(PASSWORD));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-rpc-websockets", "02-raw-batch");
    }

    @Override
    String libraries() {
        return NodePeers.version("rpc-websockets", "ws");
    }

    @Test
    void theSlowAnswerComesAfterTheFastOneSentAfterIt() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client.indexOf("{\"jsonrpc\":\"2.0\",\"method\":\"slow\",\"params\":{\"ms\":150},\"id\":2}"))
                .isLessThan(client.indexOf("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[40,2],\"id\":3}"));
        assertThat(server.indexOf("{\"jsonrpc\":\"2.0\",\"result\":42,\"id\":3}"))
                .isGreaterThanOrEqualTo(0)
                .isLessThan(server.indexOf("{\"jsonrpc\":\"2.0\",\"result\":{\"slept\":150},\"id\":2}"));
    }

    @Test
    void loginErrorsAndNotificationsAreOnTheWire() {
        assertThat(texts(0, Direction.CLIENT_TO_SERVER))
                .contains("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"user\":\"bot\",\"password\":\"" + PASSWORD + "\"},\"id\":7}")
                .anySatisfy(t -> assertThat(t).startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"log\",").doesNotContain("\"id\""));
        assertThat(texts(0, Direction.SERVER_TO_CLIENT))
                .contains("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":5}",
                        "{\"notification\":\"tick\",\"params\":{\"n\":3}}");
    }

    @Test
    void aBatchIsOneFrameAnsweredByOneArray() {
        assertThat(texts(1, Direction.CLIENT_TO_SERVER)).singleElement().asString().startsWith("[{\"jsonrpc\":\"2.0\",\"method\":\"sum\"");
        assertThat(texts(1, Direction.SERVER_TO_CLIENT)).containsExactly(
                "[{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":\"b-1\"},{\"jsonrpc\":\"2.0\",\"result\":{\"slept\":10},\"id\":\"b-2\"}]");
    }

    @Test
    void bothSessionsAreDecodedAsJsonRpcWithoutWarnings() {
        for (int i = 0; i < 2; i++) {
            assertThat(run.session(i).session().protocol()).isEqualTo("json-rpc");
            assertThat(run.session(i).session().protocolReason()).isEqualTo("content: frame 1 matches the json-rpc decoder");
            assertThat(run.session(i).frames()).filteredOn(f -> f.frame().type() == FrameType.TEXT).allSatisfy(f -> {
                assertThat(f.decoding().protocol()).isEqualTo("json-rpc");
                assertThat(f.decoding().warnings()).isEmpty();
            });
            assertThat(run.session(i).session().unanswered()).as("session %d: unanswered requests (null for none)", i + 1).isNullOrEmpty();
        }
    }

    @Test
    void outOfOrderAnswersArePairedByIdWithTheirLatencyAndLabelledWithTheirMethod() {
        StoredFrame slow = only(0, "\"method\":\"slow\"");
        StoredFrame fast = only(0, "\"params\":[40,2]");
        StoredFrame slowAnswer = only(0, "\"result\":{\"slept\":150}");
        StoredFrame fastAnswer = only(0, "\"result\":42");
        assertThat(fastAnswer.seq()).as("the fast answer overtook the slow one").isLessThan(slowAnswer.seq());
        assertThat(slowAnswer.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("slow", Kind.RESPONSE, slow.seq());
        assertThat(fastAnswer.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("sum", Kind.RESPONSE, fast.seq());
        assertThat(slowAnswer.decoding().latencyMicros()).as("the server slept 150 ms").isGreaterThanOrEqualTo(150_000L);
        assertThat(fastAnswer.decoding().latencyMicros()).isPositive().isLessThan(slowAnswer.decoding().latencyMicros());
        assertThat(slow.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("slow", Kind.REQUEST);
    }

    @Test
    void errorAnswersAreErrorsNotificationsAndEventsAreEvents() {
        assertThat(only(0, "this method always fails").decoding())
                .extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("fail", Kind.ERROR, only(0, "\"method\":\"fail\"").seq());
        assertThat(only(0, "Method not found").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("nope", Kind.ERROR);
        assertThat(only(0, "Method forbidden").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("whoami", Kind.ERROR);
        assertThat(only(0, "\"result\":\"bot\"").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind)
                .containsExactly("whoami", Kind.RESPONSE);
        assertThat(only(0, "\"method\":\"log\"").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("log", Kind.EVENT, null);
        List<StoredFrame> ticks = run.session(0).frames().stream().filter(f -> text(f).startsWith("{\"notification\":\"tick\"")).toList();
        assertThat(ticks).hasSize(3).allSatisfy(f -> assertThat(f.decoding())
                .extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("tick", Kind.EVENT));
        assertThat(ticks.get(0).decoding().summary()).isEqualTo("event tick {\"n\":1}");
    }

    @Test
    void aBatchIsLabelledByItsMethodsAndItsAnswerPairedWithIt() {
        StoredFrame batch = only(1, "\"method\":\"sum\"");
        StoredFrame answer = only(1, "\"result\":2");
        assertThat(batch.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("sum + log + slow", Kind.REQUEST);
        assertThat(answer.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("sum + slow", Kind.RESPONSE, batch.seq());
        assertThat(answer.decoding().latencyMicros()).as("the batch's slow call slept 10 ms").isGreaterThanOrEqualTo(10_000L);
    }

    @Test
    void theLoginPasswordIsMaskedInTheStoreAndOnDisk() {
        StoredFrame login = only(0, "\"method\":\"rpc.login\"");
        assertThat(text(login)).startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"user\":\"bot\",\"password\":\"")
                .contains("[hmac:");
        assertThat(login.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("rpc.login", Kind.REQUEST);
        assertThat(run.session(0).frames()).allSatisfy(f -> {
            assertThat(text(f)).doesNotContain(PASSWORD);
            assertThat(f.decoding().summary()).doesNotContain(PASSWORD);
        });
        SecretsOnDisk.assertNowhere(recordings, PASSWORD, "this method always fails");
    }

    private StoredFrame only(int session, String part) {
        List<StoredFrame> found = run.session(session).frames().stream()
                .filter(f -> f.frame().type() == FrameType.TEXT && text(f).contains(part)).toList();
        assertThat(found).as("frames of session %d holding %s", session + 1, part).hasSize(1);
        return found.get(0);
    }

    private static String text(StoredFrame f) {
        return new String(f.frame().payload(), StandardCharsets.UTF_8);
    }
}
