package dev.sockscope.proxy.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.wire.Direction;

/**
 * Turns a {@link Verdict} into the relay's {@link Decision}s, each with the rule as its cause so that the recording
 * says "delayed 250 ms by rule slow-login".
 */
final class RelayDecisions {
    private RelayDecisions() {
    }

    /** The decision for a message from {@code from} that the rule of {@code v} took. */
    static Decision of(Verdict v, Direction from) {
        Decision.Cause cause = Decision.Cause.rule(v.rule());
        List<Decision> steps = new ArrayList<>();
        for (Action a : v.actions()) {
            if (a instanceof Action.Drop || a instanceof Action.Suppress) {
                steps.add(new Decision.Drop(cause));
            } else if (a instanceof Action.Close c) {
                steps.add(c.afterForward() ? new Decision.CloseAfter(c.code(), c.reason(), cause) : new Decision.Close(c.code(), c.reason(), cause));
            } else if (a instanceof Action.Abort ab) {
                steps.add(ab.afterForward() ? new Decision.AbortAfter(cause) : new Decision.Abort(cause));
            } else if (a instanceof Action.Delay d) {
                steps.add(new Decision.Delay(Duration.ofNanos(v.delayMicros() * 1000), d.reorder(), cause));
            } else if (a instanceof Action.Duplicate d) {
                steps.add(new Decision.Duplicate(d.copies(), cause));
            } else if (a instanceof Action.Rewrite && v.payload() != null && !v.type().isControl()) {
                steps.add(new Decision.Replace(v.payload(), v.type(), cause));
            } else if (a instanceof Action.Answer x) {
                steps.add(new Decision.Answer(v.answer(), x.content().type(), cause));
            } else if (a instanceof Action.Inject x) {
                steps.add(new Decision.InjectAfter(v.inject(), x.content().type(), cause));
            } else if (a instanceof Action.Refragment r) {
                steps.add(new Decision.Refragment(r.frames(), cause));
            } else if (a instanceof Action.Stall s) {
                steps.add(new Decision.Stall(from, s.micros() == 0 ? null : Duration.ofNanos(s.micros() * 1000), cause));
            } else if (a instanceof Action.Throttle t) {
                steps.add(new Decision.Throttle(from, t.bytesPerSecond(), cause));
            }
        }
        if (steps.isEmpty()) {
            return Decision.FORWARD;
        }
        return steps.size() == 1 ? steps.get(0) : new Decision.All(steps);
    }
}
