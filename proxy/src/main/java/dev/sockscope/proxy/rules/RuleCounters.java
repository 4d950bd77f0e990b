package dev.sockscope.proxy.rules;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How often one rule matched, and each of its actions was taken; kept by name across reloads. */
final class RuleCounters {
    final LongAdder matched = new LongAdder();
    private final Map<String, LongAdder> taken = new ConcurrentHashMap<>();

    void took(Action a) {
        taken.computeIfAbsent(a.label(), k -> new LongAdder()).increment();
    }

    Map<String, Long> taken() {
        Map<String, Long> out = new TreeMap<>();
        taken.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
