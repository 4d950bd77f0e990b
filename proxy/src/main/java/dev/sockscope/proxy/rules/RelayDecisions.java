package dev.sockscope.proxy.rules;

import java.util.List;
import java.util.Set;

import dev.sockscope.proxy.intercept.Decision;

/**
 * Turns a {@link Verdict} into what the relay can carry out today: forward, replace, drop, close. The other actions
 * (delay, duplicate, answer, inject, refragment, close or abort after the message, abort, stall, throttle) need
 * relay mechanics that are not in {@link Decision} yet: they are decided, drawn and counted, and listed as pending.
 */
final class RelayDecisions {
    /** The actions this class carries out. */
    private static final Set<Class<? extends Action>> CARRIED = Set.of(Action.Drop.class, Action.Rewrite.class, Action.Suppress.class);

    private RelayDecisions() {
    }

    static boolean carried(Action a) {
        return CARRIED.contains(a.getClass()) || (a instanceof Action.Close c && !c.afterForward());
    }

    static List<String> pending(List<Action> actions) {
        return actions.stream().filter(a -> !carried(a)).map(a -> a instanceof Action.Close || a instanceof Action.Abort
                ? a.label() + (afterForward(a) ? " after" : "") : a.label()).toList();
    }

    private static boolean afterForward(Action a) {
        return (a instanceof Action.Close c && c.afterForward()) || (a instanceof Action.Abort ab && ab.afterForward());
    }

    static Decision of(Verdict v) {
        for (Action a : v.actions()) {
            if (a instanceof Action.Drop || a instanceof Action.Suppress) {
                return Decision.DROP;
            }
            if (a instanceof Action.Close c && !c.afterForward()) {
                return new Decision.Close(c.code(), c.reason());
            }
        }
        if (v.payload() != null && !v.type().isControl()) {
            return new Decision.Replace(v.payload(), v.type());
        }
        return Decision.FORWARD;
    }
}
