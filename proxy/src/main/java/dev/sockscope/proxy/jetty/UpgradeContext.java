package dev.sockscope.proxy.jetty;

import java.util.function.LongSupplier;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.tap.MessageBudget;
import dev.sockscope.wire.MicroClock;

/**
 * What every upgrade of one relay shares: its options, where sessions are published, their clock and ids, the open
 * ones, where pass-through sessions ask what to do with each message while intercepting, and the memory all their
 * messages in progress may hold.
 */
record UpgradeContext(RelayOptions options, CaptureBus bus, MicroClock clock, LongSupplier sessionIds, OpenSessions sessions,
                      InterceptPoint intercept, MessageBudget messages) {
}
