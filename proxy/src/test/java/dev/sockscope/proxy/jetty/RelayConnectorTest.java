package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;

/**
 * Both legs of a session are watched by one selector thread: the route's connector dials each plain upstream on the
 * selector of the client it is dialled for ({@link RelayConnector}), and sessions spread over its selectors.
 */
class RelayConnectorTest {
    private static final int SESSIONS = 6;

    @Test
    void eachUpstreamIsWatchedByItsClientsSelectorAndSessionsSpreadOverSeveralSelectors() throws Exception {
        AtomicLong ids = new AtomicLong(1);
        CaptureBus bus = new CaptureBus();
        List<TestClient> clients = new ArrayList<>();
        try (TestUpstream upstream = TestUpstream.start();
             JettyRelay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())),
                     RelayOptions.defaults(), bus, ids::getAndIncrement)) {
            URI proxied = URI.create("ws://127.0.0.1:" + relay.boundRoutes().get(0).listenPort() + "/chat");
            for (int i = 0; i < SESSIONS; i++) {
                clients.add(TestClient.connect(proxied));
            }
            Connector connector = relay.routeConnectors().iterator().next();
            assertThat(connector).isInstanceOf(RelayConnector.class);
            // Client legs and upstream legs alike are this connector's endpoints once pumping.
            await().atMost(Duration.ofSeconds(20)).until(() -> connector.getConnectedEndPoints().stream()
                    .filter(e -> e.getConnection() instanceof PumpConnection).count() == 2L * SESSIONS);

            Set<ManagedSelector> used = new HashSet<>();
            for (EndPoint leg : connector.getConnectedEndPoints()) {
                PumpConnection pump = (PumpConnection) leg.getConnection();
                EndPoint other = pump.peer().getEndPoint();
                assertThat(leg).isInstanceOf(RelayConnector.RelayEndPoint.class);
                assertThat(other).isInstanceOf(RelayConnector.RelayEndPoint.class);
                ManagedSelector selector = ((RelayConnector.RelayEndPoint) leg).selector;
                assertThat(((RelayConnector.RelayEndPoint) other).selector).as("the other leg's selector").isSameAs(selector);
                used.add(selector);
            }
            assertThat(used).as("sessions spread over the selectors").hasSizeGreaterThan(1);
        } finally {
            for (TestClient c : clients) {
                c.socket.abort();
            }
            bus.close(Duration.ofSeconds(5));
        }
    }
}
