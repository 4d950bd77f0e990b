package dev.sockscope.proxy.jetty;

import java.util.function.LongSupplier;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.wire.MicroClock;

/** What every upgrade of one relay shares: its options, where sessions are published, their clock and ids, and the open ones. */
record UpgradeContext(RelayOptions options, CaptureBus bus, MicroClock clock, LongSupplier sessionIds, OpenSessions sessions) {
}
