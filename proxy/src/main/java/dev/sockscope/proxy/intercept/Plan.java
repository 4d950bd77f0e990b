package dev.sockscope.proxy.intercept;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.wire.FrameType;

/**
 * A {@link Decision} (one, or {@link Decision.All several}) folded into what the relay does to the message, step by
 * step: which content goes, when, how framed, how many times, what follows it and what else changes in the session;
 * and the words the recording keeps for it ("delayed 250 ms; duplicate"), with who asked ({@code by}).
 *
 * @param fate      what becomes of the message: forwarded (perhaps changed), or one of the others
 * @param content   what is sent instead of the message, or null (its own bytes)
 * @param answer    for {@link Fate#ANSWER}: the reply that goes back to the sender
 * @param close     for {@link Fate#CLOSE} or {@link Then#CLOSE}: the close
 * @param delay     how long after its arrival it goes (zero: now)
 * @param reorder   whether only it waits (later messages may overtake it)
 * @param copies    how many copies follow it
 * @param frames    how many frames carry it (0: as it came)
 * @param after     messages that follow it (and its copies) in its direction
 * @param effects   stalls and throttles, carried out as it goes
 * @param then      what happens to the session once the message is sent: nothing, a close ({@code close}), an abort
 * @param by        who asked (the causes' sources, each once), or null when none said
 * @param words     what is done, for the recording ("delayed 250 ms"), by step
 */
public record Plan(Fate fate, Decision.Replace content, Decision.Answer answer, Decision.Close close, Duration delay,
                   boolean reorder, int copies, int frames, List<Decision.InjectAfter> after, List<Decision> effects,
                   Then then, String by, List<String> words) {
    /** What becomes of the message itself. */
    public enum Fate {
        FORWARD, DROP, ANSWER, CLOSE, ABORT
    }

    /** What happens to the session once the message went. */
    public enum Then {
        NOTHING, CLOSE, ABORT
    }

    /** Whether nothing of the direction goes after a message decided {@code d}: the session is closed or cut. */
    public static boolean endsSession(Decision d) {
        if (d instanceof Decision.All all) {
            return all.steps().stream().anyMatch(Plan::endsSession);
        }
        return d instanceof Decision.Close || d instanceof Decision.Abort || d instanceof Decision.CloseAfter
                || d instanceof Decision.AbortAfter;
    }

    /** The plan of {@code d}, never a hold. */
    public static Plan of(Decision d) {
        Builder b = new Builder();
        b.add(d);
        return b.build();
    }

    /** How long a message decided {@code d} waits while the messages behind it wait too (zero for most). */
    public static Duration orderedDelay(Decision d) {
        if (d instanceof Decision.Delay delay) {
            return delay.reorder() ? Duration.ZERO : delay.after();
        }
        if (d instanceof Decision.All all && all.steps().stream().anyMatch(s -> s instanceof Decision.Delay)) {
            Plan p = of(d);
            return p.reorder ? Duration.ZERO : p.delay;
        }
        return Duration.ZERO;
    }

    /** Whether only the relay's plain paths are needed: forward, the user's edit, drop or close (no rule's say). */
    public static boolean plain(Decision d) {
        return d instanceof Decision.Forward || d instanceof Decision.Hold
                || (d instanceof Decision.Replace r && r.cause() == null)
                || (d instanceof Decision.Drop x && x.cause() == null)
                || (d instanceof Decision.Close c && c.cause() == null);
    }

    /** "delayed 250 ms; duplicated" for the recording, or {@code fallback} when no step has words. */
    public String effect(String fallback) {
        return words.isEmpty() ? fallback : String.join("; ", words);
    }

    private static final class Builder {
        Fate fate = Fate.FORWARD;
        Decision.Replace content;
        Decision.Answer answer;
        Decision.Close close;
        Then then = Then.NOTHING;
        Duration delay = Duration.ZERO;
        boolean reorder;
        int copies;
        int frames;
        final List<Decision.InjectAfter> after = new ArrayList<>();
        final List<Decision> effects = new ArrayList<>();
        final List<String> by = new ArrayList<>();
        final List<String> words = new ArrayList<>();

        void add(Decision d) {
            if (d instanceof Decision.Hold) {
                throw new IllegalArgumentException("a hold has no plan: it waits for the user");
            } else if (d instanceof Decision.All all) {
                all.steps().forEach(this::add);
            } else if (d instanceof Decision.Replace r) {
                content = r;
                said(r.cause(), "rewritten");
            } else if (d instanceof Decision.Drop x) {
                fate = Fate.DROP;
                said(x.cause(), null);
            } else if (d instanceof Decision.Answer a) {
                fate = Fate.ANSWER;
                answer = a;
                said(a.cause(), null);
            } else if (d instanceof Decision.Close c) {
                fate = Fate.CLOSE;
                close = c;
                said(c.cause(), null);
            } else if (d instanceof Decision.Abort a) {
                fate = Fate.ABORT;
                said(a.cause(), null);
            } else if (d instanceof Decision.CloseAfter x) {
                then = Then.CLOSE;
                close = new Decision.Close(x.code(), x.reason(), x.cause());
                said(x.cause(), "then closed the session with " + x.code() + (x.reason() == null || x.reason().isEmpty() ? "" : " " + x.reason()));
            } else if (d instanceof Decision.AbortAfter x) {
                then = Then.ABORT;
                said(x.cause(), "then aborted the connections");
            } else if (d instanceof Decision.Delay x) {
                delay = delay.plus(x.after());
                reorder |= x.reorder();
                said(x.cause(), "delayed " + x.after().toMillis() + " ms" + (x.reorder() ? " (others may overtake it)" : ""));
            } else if (d instanceof Decision.Duplicate x) {
                copies += x.copies();
                said(x.cause(), "duplicated (" + x.copies() + (x.copies() == 1 ? " copy)" : " copies)"));
            } else if (d instanceof Decision.Refragment x) {
                frames = x.frames();
                said(x.cause(), "refragmented into " + x.frames() + (x.frames() == 1 ? " frame" : " frames"));
            } else if (d instanceof Decision.InjectAfter x) {
                after.add(x);
                said(x.cause(), null);
            } else if (d instanceof Decision.Stall x) {
                effects.add(x);
                said(x.cause(), "stalled reading the " + sender(x.direction())
                        + (x.duration() == null ? " until released" : " for " + x.duration().toMillis() + " ms"));
            } else if (d instanceof Decision.Throttle x) {
                effects.add(x);
                said(x.cause(), x.bytesPerSecond() == 0 ? "unthrottled the " + sender(x.direction())
                        : "throttled the " + sender(x.direction()) + " to " + x.bytesPerSecond() + " B/s");
            }
            // Forward adds nothing.
        }

        private void said(Decision.Cause cause, String what) {
            if (cause != null) {
                if (!by.contains(cause.source())) {
                    by.add(cause.source());
                }
                if (what != null && cause.detail() != null) {
                    what = what + " (" + cause.detail() + ")";
                }
            }
            if (what != null) {
                words.add(what);
            }
        }

        Plan build() {
            if (!after.isEmpty()) {
                words.add((after.size() == 1 ? "1 message" : after.size() + " messages") + " injected after it");
            }
            return new Plan(fate, content, answer, close, delay, reorder, copies, frames, List.copyOf(after), List.copyOf(effects), then,
                    by.isEmpty() ? null : String.join(", ", by), List.copyOf(words));
        }
    }

    private static String sender(dev.sockscope.wire.Direction d) {
        return d == dev.sockscope.wire.Direction.CLIENT_TO_SERVER ? "client" : "upstream";
    }

    /** The content the message goes with: the replacement's, or its own. */
    public FrameType typeOr(FrameType own) {
        return content == null ? own : content.type();
    }

    public byte[] payloadOr(byte[] own) {
        return content == null ? own : content.payload();
    }
}
