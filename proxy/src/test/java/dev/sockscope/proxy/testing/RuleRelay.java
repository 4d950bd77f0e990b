package dev.sockscope.proxy.testing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.jetty.JettyRelay;

/**
 * A real {@link JettyRelay} on port 0 in front of a real {@link TestUpstream}, asking one {@link DecisionSource}
 * (rules, a script) about each message: the setup the rule relay tests share. {@link #close} stops all of it.
 */
public final class RuleRelay implements AutoCloseable {
    public final TestUpstream upstream;
    public final CaptureBus bus;
    public final JettyRelay relay;

    private RuleRelay(TestUpstream upstream, CaptureBus bus, JettyRelay relay) {
        this.upstream = upstream;
        this.bus = bus;
        this.relay = relay;
    }

    /** Starts the upstream and the relay; {@code subscribe} sees the bus before the relay publishes on it. */
    public static RuleRelay start(DecisionSource source, Consumer<CaptureBus> subscribe) throws Exception {
        TestUpstream upstream = TestUpstream.start();
        CaptureBus bus = new CaptureBus();
        try {
            subscribe.accept(bus);
            InterceptPoint intercept = InterceptPoint.withoutLabels();
            intercept.addSource(source);
            JettyRelay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), null,
                    RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement, intercept);
            return new RuleRelay(upstream, bus, relay);
        } catch (Exception | Error e) {
            new RuleRelay(upstream, bus, null).close(); // a half-started fixture still stops what it started
            throw e;
        }
    }

    /** Where a client connects to the relay. */
    public URI clientUri() {
        return URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/");
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(2));
        }
        bus.close(Duration.ofSeconds(10));
        try {
            upstream.close();
        } catch (Exception ignored) {
            // stopped with the test (an aborted session may have closed it under us)
        }
    }
}
