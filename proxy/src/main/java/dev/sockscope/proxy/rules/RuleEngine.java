package dev.sockscope.proxy.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.DecisionSource;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * The rules as a {@link DecisionSource}: the first enabled rule that takes a message decides for it. Chance
 * (probability, jitter) is drawn from a generator per session, rule and direction, derived from the seed, the session
 * id and the rule name: the same seed and the same messages give the same decisions whatever runs beside them.
 * {@link #active} is false while no rule is enabled, so the relay then passes bytes through untouched.
 */
public final class RuleEngine implements DecisionSource {
    /** Sessions whose counters and generators are kept; the oldest is forgotten beyond this. */
    static final int SESSIONS_KEPT = 10_000;

    private final long seed;
    private final MessageLabels labels;
    private volatile List<Rule> rules = List.of();
    private final Map<String, AtomicBoolean> enabled = new ConcurrentHashMap<>();
    private final Map<String, RuleCounters> counters = new ConcurrentHashMap<>();
    private final Map<Long, SessionState> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SessionState> eldest) {
            return size() > SESSIONS_KEPT;
        }
    };
    private volatile boolean active;
    private volatile boolean pings;
    /** Whether an enabled rule counts session age: then every message's session is looked up, to know its first one. */
    private volatile boolean ages;

    public RuleEngine(long seed, MessageLabels labels) {
        this.seed = seed;
        this.labels = labels;
    }

    public long seed() {
        return seed;
    }

    /**
     * Puts {@code next} in place of the rules: a rule keeps its on/off switch and counters by name (a reload does not
     * turn back on what the user turned off); a new rule starts as its file says.
     */
    public synchronized void replace(List<Rule> next) {
        for (Rule r : next) {
            enabled.computeIfAbsent(r.name(), k -> new AtomicBoolean(r.enabled()));
            counters.computeIfAbsent(r.name(), k -> new RuleCounters());
        }
        rules = List.copyOf(next);
        changed();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Switches a rule on or off; false when there is no rule of that name. */
    public synchronized boolean setEnabled(String name, boolean on) {
        if (rules.stream().noneMatch(r -> r.name().equals(name))) {
            return false;
        }
        enabled.get(name).set(on);
        changed();
        return true;
    }

    private void changed() {
        boolean any = false;
        boolean p = false;
        boolean a = false;
        for (Rule r : rules) {
            if (enabled.get(r.name()).get()) {
                any = true;
                p |= r.wantsControlFrames();
                a |= r.elapsedMicros() > 0;
            }
        }
        active = any;
        pings = p;
        ages = a;
    }

    public List<RuleStatus> status() {
        List<RuleStatus> out = new ArrayList<>();
        for (Rule r : rules) {
            RuleCounters c = counters.get(r.name());
            out.add(new RuleStatus(r.name(), enabled.get(r.name()).get(), r.origin(), r.line(),
                    r.actions().stream().map(Action::label).toList(), c.matched.sum(), c.taken()));
        }
        return out;
    }

    @Override
    public boolean active() {
        return active;
    }

    @Override
    public boolean wantsControlFrames() {
        return pings;
    }

    @Override
    public Decision decide(InterceptedMessage message) {
        Verdict v = verdict(message);
        return v == null ? null : RelayDecisions.of(v, message.from());
    }

    /** What the rules decide for {@code message}, or null when no enabled rule takes it. */
    public Verdict verdict(InterceptedMessage message) {
        if (!active) {
            return null;
        }
        MessageLabels.Labels[] decoded = new MessageLabels.Labels[1];
        // The session's state is looked up (under a lock shared by all sessions) only once a rule matches, unless a rule
        // counts session age: rules that never match then cost no lock.
        SessionState session = ages ? session(message.session().id()) : null;
        for (Rule r : rules) {
            if (!enabled.get(r.name()).get()
                    || !r.match().matches(message, () -> decoded[0] == null ? decoded[0] = labels.of(message) : decoded[0])) {
                continue;
            }
            RuleCounters c = counters.get(r.name());
            c.matched.increment();
            if (session == null) {
                session = session(message.session().id());
            }
            Verdict v;
            synchronized (session) {
                v = session.take(r, message);
            }
            if (v != null) {
                for (Action a : r.actions()) {
                    c.took(a);
                }
                return v;
            }
        }
        return null;
    }

    private SessionState session(long id) {
        synchronized (sessions) {
            return sessions.computeIfAbsent(id, k -> new SessionState(System.nanoTime()));
        }
    }

    /** A rule's generator for one session and direction: the seed, the session, the rule name and the direction mixed. */
    SplittableRandom generator(long session, String rule, Direction from) {
        long h = seed;
        h = mix(h ^ session);
        h = mix(h ^ rule.hashCode());
        h = mix(h ^ from.ordinal());
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** What the engine keeps per session: when it was first seen, and each rule's count and generator there. */
    private final class SessionState {
        private final long firstSeenNanos;
        private final Map<String, Long> counts = new HashMap<>();
        private final Map<String, SplittableRandom> random = new HashMap<>();

        SessionState(long firstSeenNanos) {
            this.firstSeenNanos = firstSeenNanos;
        }

        /** The verdict when the rule's counting conditions, session age and probability let it take the message. */
        Verdict take(Rule r, InterceptedMessage m) {
            if (r.elapsedMicros() > 0 && (System.nanoTime() - firstSeenNanos) / 1000 < r.elapsedMicros()) {
                return null;
            }
            long n = counts.merge(r.name(), 1L, Long::sum);
            if ((r.first() > 0 && n > r.first()) || n % r.every() != 0) {
                return null;
            }
            SplittableRandom g = random.computeIfAbsent(r.name() + '\0' + m.from(),
                    k -> generator(m.session().id(), r.name(), m.from()));
            if (r.probability() < 1 && g.nextDouble() >= r.probability()) {
                return null;
            }
            long delay = 0;
            byte[] payload = null;
            FrameType type = null;
            byte[] answer = null;
            byte[] inject = null;
            for (Action a : r.actions()) {
                if (a instanceof Action.Delay d) {
                    delay = d.jitter().drawMicros(g);
                } else if (a instanceof Action.Rewrite w) {
                    payload = Rewrites.apply(w, m.payload());
                    type = w.body() == null ? m.type() : w.body().type();
                } else if (a instanceof Action.Answer x) {
                    answer = x.content().render(m.payload());
                } else if (a instanceof Action.Inject x) {
                    inject = x.content().render(m.payload());
                }
            }
            return new Verdict(r.name(), r.actions(), delay, payload, type, answer, inject);
        }
    }
}
