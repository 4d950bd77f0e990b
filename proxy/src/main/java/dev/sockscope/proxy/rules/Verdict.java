package dev.sockscope.proxy.rules;

import java.util.List;

import dev.sockscope.wire.FrameType;

/**
 * What a rule decided for one message, with everything drawn or rendered: the engine's answer before it becomes a
 * relay {@code Decision}. Two runs with the same seed and the same messages give equal verdicts.
 *
 * @param rule         the rule that took the message
 * @param actions      its actions, in the order written
 * @param delayMicros  the delay drawn for it (0 without a delay action)
 * @param payload      the rewritten message, or null when it is not rewritten
 * @param type         the rewritten message's type (null with payload)
 * @param answer       what goes back to the sender instead, or null
 * @param inject       what goes after the message, or null
 */
public record Verdict(String rule, List<Action> actions, long delayMicros, byte[] payload, FrameType type, byte[] answer,
                      byte[] inject) {
    public <A extends Action> A action(Class<A> kind) {
        for (Action a : actions) {
            if (kind.isInstance(a)) {
                return kind.cast(a);
            }
        }
        return null;
    }

    /** Equal when the same rule decided the same things (payloads compared by content). */
    public boolean sameAs(Verdict o) {
        return rule.equals(o.rule) && actions.equals(o.actions) && delayMicros == o.delayMicros
                && java.util.Arrays.equals(payload, o.payload) && java.util.Arrays.equals(answer, o.answer)
                && java.util.Arrays.equals(inject, o.inject);
    }
}
