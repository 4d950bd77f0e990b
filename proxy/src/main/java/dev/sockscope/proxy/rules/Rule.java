package dev.sockscope.proxy.rules;

import java.util.List;

/**
 * One rule of a rules file: which messages ({@link Match} and the counting conditions), and what is done to them.
 *
 * @param name           unique in its file; counters and the on/off switch go by it
 * @param enabled        whether it is on when loaded
 * @param match          the message conditions
 * @param every          only every Nth message that matches (1: each)
 * @param first          only the first N that match in a session (0: no limit)
 * @param elapsedMicros  only once the session is this old (0: from its start)
 * @param probability    the chance that a matching message is taken (1: always), drawn from the seeded generator
 * @param actions        what is done, in the order written
 * @param origin         the file it came from
 * @param line           its line there
 */
public record Rule(String name, boolean enabled, Match match, int every, int first, long elapsedMicros,
                   double probability, List<Action> actions, String origin, int line) {
    public Rule {
        actions = List.copyOf(actions);
    }

    public boolean wantsControlFrames() {
        return actions.stream().anyMatch(a -> a instanceof Action.Suppress) || match.like().pings();
    }
}
