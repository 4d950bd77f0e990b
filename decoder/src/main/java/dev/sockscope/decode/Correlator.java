package dev.sockscope.decode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;

/**
 * Pairs the frames of one session by what their decoders say they ask and answer ({@link Correlation}): requests from
 * either peer, keys per scope, one answer or a stream of them until a last one, cancels. A frame that answers points at
 * its request (the opening frame of a stream, for every item) with the latency since it, and may take its label.
 * Requests still waiting for an answer when the session ends are its unanswered ones.
 */
final class Correlator {
    /** Requests waiting for an answer are kept up to this many per session (a flood of unanswered requests is not a leak). */
    static final int MAX_PENDING = 100_000;
    /** Requests that may rightly get no answer are forgotten, oldest first, beyond this many. */
    static final int MAX_OPTIONAL = 4_096;

    private record Key(Direction requester, String scope, String key) {
    }

    private static final class Pending {
        final Key key;
        final long seq;
        final long timeMicros;
        final String label;
        final boolean expectsAnswer;
        boolean answered;
        boolean closed;

        Pending(Key key, long seq, long timeMicros, String label, boolean expectsAnswer) {
            this.key = key;
            this.seq = seq;
            this.timeMicros = timeMicros;
            this.label = label;
            this.expectsAnswer = expectsAnswer;
        }
    }

    private final Map<Key, ArrayDeque<Pending>> open = new HashMap<>();
    /** Open requests that may rightly get no answer, oldest first, to forget beyond {@link #MAX_OPTIONAL}. */
    private ArrayDeque<Pending> optional;
    private int pendingCount;

    /** The decoding with what its correlations found: the request it answers and the latency, its label, warnings. */
    FrameDecoding apply(RecordedFrame f, FrameDecoding d, List<Correlation> correlations) {
        if (correlations.isEmpty()) {
            return d;
        }
        Pending answered = null;
        String label = null;
        List<Warning> problems = null;
        for (Correlation c : correlations) {
            if (c instanceof Correlation.Request r) {
                openRequest(f, d.label(), r);
            } else if (c instanceof Correlation.Answer a) {
                Pending request = take(new Key(f.from().reverse(), a.scope(), a.key()), a.last());
                if (request == null) {
                    problems = add(problems, Warning.of(Warning.Code.ANSWERS_NOTHING, "answers no pending request (" + describe(a) + ")"));
                    continue;
                }
                request.answered = true;
                if (answered == null) {
                    answered = request;
                    label = a.takeLabel() ? request.label : null;
                }
            } else if (c instanceof Correlation.Cancel x) {
                Pending request = take(new Key(f.from(), x.scope(), x.key()), true);
                if (request == null) {
                    problems = add(problems, Warning.of(Warning.Code.ANSWERS_NOTHING, "ends no open request (" + describe(x) + ")"));
                } else if (answered == null) {
                    answered = request;
                }
            }
        }
        FrameDecoding out = d;
        if (answered != null) {
            out = out.withCorrelation(answered.seq, Math.max(0, f.timeMicros() - answered.timeMicros));
            if (label != null) {
                // The request already carries any warning about its label; the answer is named after it.
                out = new FrameDecoding(out.protocol(), label, out.kind(), out.summary(), out.correlatesWith(), out.latencyMicros(),
                        out.warnings().stream().filter(w -> w.code() != Warning.Code.NOT_IN_TABLE && w.code() != Warning.Code.NO_LABEL_FIELD).toList());
            }
        }
        if (problems != null) {
            for (Warning w : problems) {
                out = out.withWarning(w);
            }
        }
        return out;
    }

    private void openRequest(RecordedFrame f, String label, Correlation.Request r) {
        if (pendingCount >= MAX_PENDING) {
            return;
        }
        Key key = new Key(f.from(), r.scope(), r.key());
        Pending p = new Pending(key, f.seq(), f.timeMicros(), label, r.expectsAnswer());
        open.computeIfAbsent(key, k -> new ArrayDeque<>(2)).add(p);
        pendingCount++;
        if (!r.expectsAnswer()) {
            if (optional == null) {
                optional = new ArrayDeque<>();
            }
            optional.add(p);
            if (optional.size() > MAX_OPTIONAL) {
                forget(optional.poll());
            }
        }
    }

    /** The oldest open request under the key, removed when {@code closes}; null when there is none. */
    private Pending take(Key key, boolean closes) {
        ArrayDeque<Pending> waiting = open.get(key);
        Pending p = waiting == null ? null : waiting.peek();
        if (p == null || !closes) {
            return p;
        }
        waiting.poll();
        if (waiting.isEmpty()) {
            open.remove(key);
        }
        p.closed = true;
        pendingCount--;
        return p;
    }

    private void forget(Pending p) {
        if (p == null || p.closed) {
            return;
        }
        ArrayDeque<Pending> waiting = open.get(p.key);
        if (waiting != null && waiting.remove(p) && waiting.isEmpty()) {
            open.remove(p.key);
        }
        p.closed = true;
        pendingCount--;
    }

    private static String describe(Correlation c) {
        return c.scope().isEmpty() ? c.key() : c.scope() + " " + c.key();
    }

    private static List<Warning> add(List<Warning> list, Warning w) {
        List<Warning> out = list == null ? new ArrayList<>(2) : list;
        out.add(w);
        return out;
    }

    /** Seqs of requests that expected an answer and never got one, oldest first. */
    List<Long> unanswered() {
        List<Long> seqs = new ArrayList<>();
        for (ArrayDeque<Pending> waiting : open.values()) {
            for (Pending p : waiting) {
                if (p.expectsAnswer && !p.answered) {
                    seqs.add(p.seq);
                }
            }
        }
        seqs.sort(null);
        return seqs;
    }
}
