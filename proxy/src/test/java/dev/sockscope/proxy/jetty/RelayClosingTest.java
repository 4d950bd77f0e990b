package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.eclipse.jetty.websocket.core.CloseStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.WebSocketRecorder;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/** How sessions through the relay end: close codes both ways, a peer that vanishes, the idle timeout, shutdown. */
@ParameterizedClass
@EnumSource(RelayFixture.Mode.class)
class RelayClosingTest extends RelayFixture {
    @Test
    void upstreamCloseCodeAndReasonReachTheClientExactly() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("!close 1008 Invalid or missing token");
        client.events.assertClose(1008, "Invalid or missing token");
        client.events.assertExhausted();
        // The JDK client answers the close by itself once onClose returns.

        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
        assertThat(end.closeCode()).isEqualTo(1008);
        assertThat(end.closeReason()).isEqualTo("Invalid or missing token");
        assertThat(end.error()).as("the upstream's own close is no error").isNull();
    }

    @Test
    void clientCloseCodeAndReasonReachTheUpstreamExactly() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendClose(4000, "switching rooms");
        CloseStatus atUpstream = upstream.nextClose();
        assertThat(atUpstream.getCode()).isEqualTo(4000);
        assertThat(atUpstream.getReason()).isEqualTo("switching rooms");
        client.events.assertClose(4000, "switching rooms");
        client.events.assertExhausted();
        assertThat(events.awaitClosed(events.awaitOpened().id()).closedBy()).isEqualTo(ClosedBy.CLIENT);
    }

    @Test
    void upstreamDyingWithoutACloseFrameEndsTheClientConnectionTheSameWay() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("!die");
        WebSocketRecorder.Event got = client.events.next();
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        if (mode == Mode.PASS_THROUGH) {
            // As without the proxy: the TCP connection ends, no close frame is made up.
            assertThat(got).isInstanceOfAny(WebSocketRecorder.Failure.class, WebSocketRecorder.Close.class);
            if (got instanceof WebSocketRecorder.Close c) {
                assertThat(c.code()).isEqualTo(1006);
            }
            assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
            assertThat(end.closeCode()).isNull();
            assertThat(end.error()).isEqualTo("upstream closed the connection without a close frame");
        } else {
            WebSocketRecorder.Close close = (WebSocketRecorder.Close) got;
            assertThat(close.code()).isEqualTo(1014);
            assertThat(close.reason()).startsWith("upstream connection lost");
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.closeCode()).isEqualTo(1014);
            assertThat(end.error()).startsWith("upstream connection lost without a close frame");
        }
    }

    @Test
    void clientVanishingEndsTheUpstreamConnection() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("still here");
        client.events.nextText();
        client.socket.abort();
        CloseStatus atUpstream = upstream.nextClose();
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        if (mode == Mode.PASS_THROUGH) {
            assertThat(atUpstream.getCode()).as("no close frame, as without the proxy").isEqualTo(CloseStatus.NO_CLOSE);
            assertThat(end.closedBy()).isEqualTo(ClosedBy.CLIENT);
            assertThat(end.error()).startsWith("client closed the connection");
        } else {
            assertThat(atUpstream.getCode()).isEqualTo(1001);
            assertThat(atUpstream.getReason()).startsWith("client went away");
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.error()).startsWith("client connection lost without a close frame");
        }
    }

    @Test
    void anIdleSessionIsClosedByTheProxyWith1001OnBothSides() throws Exception {
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults().withIdleTimeout(Duration.ofSeconds(1)), upstream.uri());
        TestClient client = TestClient.connect(proxy("/"));
        assertThat(client.events.nextClose().code()).isEqualTo(1001);
        client.events.assertExhausted();
        assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
        assertThat(end.closeCode()).isEqualTo(1001);
    }

    @Test
    void shutdownWaitsForTheFrameInProgressBeforeItsClose() throws Exception {
        Assumptions.assumeTrue(mode == Mode.PASS_THROUGH, "terminating, Jetty frames every message itself");
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            var out = raw.getOutputStream();
            out.write(RFC_SAMPLE_UPGRADE);
            var in = raw.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");
            // The first half of a masked 10-byte text frame "0123456789" (mask 0): the proxy must not close inside it.
            out.write(new byte[] {(byte) 0x81, (byte) 0x8A, 0, 0, 0, 0, '0', '1', '2', '3', '4'});
            out.flush();
            long id = events.awaitOpened().id();
            Thread stopper = new Thread(() -> relay.stop(Duration.ofSeconds(5)));
            stopper.start();
            // The proxy's close toward the client comes at once (that direction is between frames).
            int b0 = in.read();
            assertThat(b0 & 0x0F).isEqualTo(0x8);
            byte[] close = in.readNBytes(in.read() & 0x7F);
            assertThat(((close[0] & 0xFF) << 8) | (close[1] & 0xFF)).isEqualTo(1001);
            // The frame is finished, then the client answers the close: the upstream gets the whole frame, then 1001.
            out.write(new byte[] {'5', '6', '7', '8', '9', (byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE9});
            out.flush();
            assertThat(upstream.nextFrame().text()).isEqualTo("0123456789");
            assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
            assertThat(in.read()).as("the proxy closes TCP once both peers answered").isEqualTo(-1);
            stopper.join(10_000);
            SessionEnd end = events.awaitClosed(id);
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.closeCode()).isEqualTo(1001);
            assertThat(events.frames(id)).extracting(f -> f.from().sender() + " " + f.type().label() + " " + f.note())
                    .contains("client text null", "server close sent by the proxy to the client",
                            "client close sent by the proxy to the upstream",
                            "client close not relayed: sent after the proxy closed the session");
        }
    }

    @Test
    void shutdownClosesOpenSessionsWith1001OnBothSides() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("hello");
        client.events.nextText();
        long id = events.awaitOpened().id();
        relay.stop(Duration.ofSeconds(5));
        assertThat(client.events.nextClose().code()).isEqualTo(1001);
        client.events.assertExhausted();
        assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
        assertThat(end.closeCode()).isEqualTo(1001);
    }
}
