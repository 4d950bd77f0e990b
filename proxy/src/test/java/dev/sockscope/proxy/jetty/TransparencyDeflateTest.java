package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.wire.Direction;

/** permessage-deflate through Sockscope: Jetty's own buffers, every size, fragment size and offer, --max-message. */
class TransparencyDeflateTest extends TransparencyFixture {
    // ---- --max-message bounds the recording, not the relay ----

    @Test
    void maxMessageBoundsTheRecordingNotTheRelay() throws Exception {
        Script script = new Script().deflate(false)
                .message(0x1, compressible(64 * KIB, 11), 4 * KIB, true)
                .message(0x2, random(3000, 12), 0, true)
                .message(0x1, utf8("short, after the cut ones"), 0, true)
                .close(1000)
                .oneWrite();
        try (Relay small = JettyRelay.start(List.of(new Route("127.0.0.1", 0, fragmenting.uri())),
                RelayOptions.defaults().withMaxMessageBytes(1000), bus, ids::getAndIncrement)) {
            Run direct = run(fragmenting.port(), "permessage-deflate", script);
            Run proxied = run(small.boundRoutes().get(0).listenPort(), "permessage-deflate", script);
            Pair runs = new Pair(direct, proxied, events.awaitOpened());

            assertEchoedEveryMessage(direct, script, false);
            assertSameMessagesForTheClient(runs, false);

            events.awaitClosed(runs.sessionId());
            // Each message recorded up to 1000 bytes, its full size in wire(); the inflater keeps going past the
            // cut, or the short message after could not be decoded.
            List<Expected> cut = script.expected().stream().map(e -> e.payload.length <= 1000 ? e
                    : new Expected(e.type, Arrays.copyOf(e.payload, 1000), e.fragments, e.wire, "recorded in part")).toList();
            assertFrames(events.frames(runs.sessionId()), Direction.CLIENT_TO_SERVER, cut);
            List<Expected> fromServer = expectedFrom(proxied.received().frames(), true, false).stream()
                    .map(e -> e.payload.length <= 1000 ? e
                            : new Expected(e.type, Arrays.copyOf(e.payload, 1000), e.fragments, e.wire, "recorded in part")).toList();
            assertFrames(events.frames(runs.sessionId()), Direction.SERVER_TO_CLIENT, fromServer);
        }
    }


    // ---- 6. permessage-deflate ----

    /** Jetty's own defaults: framing is deterministic, so the two runs must give the same bytes, 1009 included. */
    @ParameterizedTest(name = "{0} B in fragments of {1} B (0: whole)")
    @MethodSource("jettyDefaultsCases")
    void deflateWithJettyDefaultBuffers(int size, int fragment) throws Exception {
        Offer offer = new Offer("permessage-deflate");
        Script script = new Script().deflate(offer.clientNoContextTakeover());
        script.message(0x1, compressible(size, 1), fragment, true);
        script.close(1000).oneWrite();

        Pair runs = bothWays(exact, 0, offer.header, script);

        assertThat(runs.direct.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        List<WireFrames.Frame> got = runs.direct.received().frames();
        if (size < 8 * KIB && fragment == 0) {
            assertThat(got).extracting(WireFrames.Frame::opcode).containsExactly(0x1, 0x8);
            assertThat(got.get(1).closeCode()).isEqualTo(1000);
        } else if (fragment == 0) {
            // Jetty 12.1.12 with autoFragment off: "Inflated payload exceeded the decompress buffer size".
            assertThat(got.get(got.size() - 1).closeCode()).isEqualTo(1009);
        }
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, true, false);
    }

    static Stream<Arguments> jettyDefaultsCases() {
        return Stream.of(Arguments.of(16, 0), Arguments.of(8191, 0), Arguments.of(8192, 0),
                Arguments.of(8191, 256), Arguments.of(64 * KIB, 4 * KIB));
    }

    /** Every size with the plain offer: compressible text and random binary, whole and in 256 B and 4 KiB fragments. */
    @ParameterizedTest(name = "plain offer, {0}, fragments of {1} B (0: whole)")
    @MethodSource("plainOfferCases")
    void deflateAllSizesPlainOffer(String kind, int fragment) throws Exception {
        Offer offer = new Offer("permessage-deflate");
        Script script = new Script().deflate(false);
        int seed = 1;
        for (int size : new int[] {16, 8191, 8192, 64 * KIB, MIB, 16 * MIB}) {
            if (kind.equals("text")) {
                script.message(0x1, compressible(size, seed++), fragment, true);
            } else {
                script.message(0x2, random(size, seed++), fragment, true);
            }
        }
        script.message(0x1, utf8("sent uncompressed"), 0, false); // RSV1 clear: legal between compressed ones
        script.close(1000);
        script.inWritesOf(256 * KIB);

        Pair runs = bothWays(fragmenting, 1, offer.header, script);

        assertThat(runs.direct.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        assertEchoedEveryMessage(runs.direct, script, false);
        assertSameMessagesForTheClient(runs, false);
        assertRecorded(runs, script, true, false);
    }

    static Stream<Arguments> plainOfferCases() {
        return Stream.of("text", "random").flatMap(k -> Stream.of(0, 256, 4 * KIB).map(f -> Arguments.of(k, f)));
    }

    /** The other parameter sets, each with a few sizes and both fragment sizes in one session. */
    @ParameterizedTest(name = "offer: {0}")
    @MethodSource("otherOffers")
    void deflateOtherOffers(String header) throws Exception {
        Offer offer = new Offer(header);
        Script script = new Script().deflate(offer.clientNoContextTakeover());
        script.message(0x1, compressible(16, 1), 0, true);
        script.message(0x1, compressible(8191, 2), 256, true);
        script.message(0x2, random(8192, 3), 0, true);
        script.message(0x1, compressible(64 * KIB, 4), 4 * KIB, true);
        script.message(0x2, random(MIB, 5), 4 * KIB, true);
        script.message(0x1, utf8("sent uncompressed"), 0, false);
        script.message(0x1, compressible(16, 1), 0, true); // the first again: context taken over, or not
        script.close(1000);
        script.inWritesOf(64 * KIB);

        Pair runs = bothWays(fragmenting, 1, header, script);

        // What Jetty answers (and so what both legs run with): it keeps the *_no_context_takeover parameters and
        // drops the window-bits ones, since it always uses a 32 KiB window (15 bits).
        String answer = runs.direct.response().header("Sec-WebSocket-Extensions");
        assertThat(answer).isEqualTo(offer.expectedJettyAnswer());
        boolean serverNoContextTakeover = answer.contains("server_no_context_takeover");
        assertEchoedEveryMessage(runs.direct, script, serverNoContextTakeover);
        assertSameMessagesForTheClient(runs, serverNoContextTakeover);
        assertRecorded(runs, script, true, serverNoContextTakeover);
    }

    static Stream<String> otherOffers() {
        List<String> offers = new ArrayList<>(List.of(
                "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover; server_no_context_takeover"));
        for (int bits = 9; bits <= 15; bits++) {
            offers.add("permessage-deflate; server_max_window_bits=" + bits);
            offers.add("permessage-deflate; client_max_window_bits=" + bits);
        }
        return offers.stream();
    }


    /** A Sec-WebSocket-Extensions offer and what Jetty 12.1.12 answers it with. */
    private record Offer(String header) {
        boolean clientNoContextTakeover() {
            return header.contains("client_no_context_takeover");
        }

        String expectedJettyAnswer() {
            StringBuilder s = new StringBuilder("permessage-deflate");
            if (header.contains("client_no_context_takeover")) {
                s.append(";client_no_context_takeover");
            }
            if (header.contains("server_no_context_takeover")) {
                s.append(";server_no_context_takeover");
            }
            return s.toString();
        }
    }

}
