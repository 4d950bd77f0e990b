package dev.sockscope.proxy.rules;

import java.util.List;
import java.util.Map;

/**
 * One rule as the API and the inspector show it.
 *
 * @param name     its name
 * @param enabled  whether it is on now
 * @param origin   the file (or "api") it came from, and its line there
 * @param line     its line
 * @param actions  its actions' names
 * @param matched  messages that met its conditions (before every/first/probability)
 * @param taken    how often each action was taken
 */
public record RuleStatus(String name, boolean enabled, String origin, int line, List<String> actions, long matched,
                         Map<String, Long> taken) {
}
