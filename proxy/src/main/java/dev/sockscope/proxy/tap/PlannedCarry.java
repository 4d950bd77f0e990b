package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.Plan;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;

/**
 * Carries out a rule's {@link Plan} for one message of an {@link InterceptedDirection}: what is sent (its bytes, a
 * rewrite, in n frames, copies, messages after it), what goes back to the sender instead, the session's close or
 * abort, stalls and throttles, and a delay that lets later messages overtake it. Each frame is recorded as what it was,
 * with who asked and what was done ({@link Provenance#rule}). Called under the session's lock.
 *
 * <p>Anything sent besides the message's own bytes goes uncompressed while the direction is untouched (an uncompressed
 * message does not enter the receiver's inflater history), or through the direction's encoder once it is touched.
 */
final class PlannedCarry {
    private final InterceptedDirection dir;
    private final Direction direction;
    private final InterceptedDirection.Host host;
    /** Messages waiting for their own delay while later ones overtake them, soonest due first (then as they came). */
    private final PriorityQueue<Waiting> overtaken = new PriorityQueue<>(
            Comparator.comparingLong(Waiting::dueNanos).thenComparingLong(Waiting::order));
    private long waited;
    /** When the one armed timer of this direction fires (Long.MAX_VALUE: none is armed). */
    private long timerDue = Long.MAX_VALUE;

    /** A message a rule delays with {@code reorder}: due at {@code dueNanos}, planned at {@code sinceNanos}. */
    private record Waiting(InterceptedDirection.Item item, Plan plan, long sinceNanos, long dueNanos, long order) {
    }

    PlannedCarry(InterceptedDirection dir, Direction direction, InterceptedDirection.Host host) {
        this.dir = dir;
        this.direction = direction;
        this.host = host;
    }

    boolean idle() {
        return overtaken.isEmpty();
    }

    long backlog() {
        long n = 0;
        for (Waiting w : overtaken) {
            n += w.item().raw().length;
        }
        return n;
    }

    /** What still waits for its delay: recorded as not sent by the caller. */
    List<RecordedFrame> abandon() {
        List<RecordedFrame> left = new ArrayList<>();
        List<Waiting> all = new ArrayList<>(overtaken);
        all.sort(Comparator.comparingLong(Waiting::order));
        for (Waiting w : all) {
            left.add(w.item().frame());
        }
        overtaken.clear();
        return left;
    }

    void carry(InterceptedDirection.Item item, Plan plan, long heldMicros) {
        if (plan.reorder() && !plan.delay().isZero()) {
            wait(item, plan);
            return;
        }
        carryNow(item, plan, heldMicros);
    }

    /**
     * Only this message waits: later ones go ahead of it, so the receiver's stream changes (the direction is touched).
     * One timer per direction, armed for the soonest due, sends everything due when it fires in one write: a timer and
     * a write per message fell behind at a few thousand messages a second (the scheduler's one thread ran them all).
     */
    private void wait(InterceptedDirection.Item item, Plan plan) {
        dir.touch(item);
        long now = System.nanoTime();
        Waiting w = new Waiting(item, plan, now, now + plan.delay().toNanos(), waited++);
        overtaken.add(w);
        arm(w.dueNanos(), now);
    }

    /** Arms the timer for {@code due} unless one fires by then already (it re-arms for what is left). */
    private void arm(long due, long now) {
        if (due >= timerDue) {
            return;
        }
        timerDue = due;
        host.later(java.time.Duration.ofNanos(Math.max(0, due - now)), () -> fire(due));
    }

    /** Carries out every message whose time has come, then re-arms for the next; a superseded timer finds less to do. */
    private void fire(long due) {
        synchronized (host.lock()) {
            if (timerDue == due) {
                timerDue = Long.MAX_VALUE;
            }
            long now = System.nanoTime();
            while (!overtaken.isEmpty() && overtaken.peek().dueNanos() <= now) { // empty once the session ended
                Waiting w = overtaken.poll();
                carryNow(w.item(), w.plan(), Math.max(1, (now - w.sinceNanos()) / 1000));
            }
            if (!overtaken.isEmpty()) {
                arm(overtaken.peek().dueNanos(), now);
            }
        }
        host.flush(direction);
    }

    private void carryNow(InterceptedDirection.Item item, Plan plan, long heldMicros) {
        RecordedFrame frame = item.frame();
        String by = plan.by();
        switch (plan.fate()) {
            case DROP -> {
                dir.touch(item);
                String what = frame.type().isControl() ? frame.type().label() + " suppressed" : "dropped";
                record(frame, by, said(plan, what), Provenance.Delivery.DROPPED, heldMicros);
                effects(plan);
                then(plan);
            }
            case ANSWER -> {
                dir.touch(item);
                record(frame, by, said(plan, "not forwarded: answered instead"), Provenance.Delivery.DROPPED, heldMicros);
                Decision.Answer a = plan.answer();
                Direction back = direction.reverse();
                host.answer(back, a.type(), a.payload(), extra(frame, back, a.type(), a.payload(), by, "answered instead of the "
                        + (direction == Direction.CLIENT_TO_SERVER ? "upstream" : "client")));
                effects(plan);
                then(plan);
            }
            case CLOSE -> {
                Decision.Close c = plan.close();
                String what = "closed the session with " + c.code() + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason());
                record(frame, by, said(plan, "not sent: " + what), Provenance.Delivery.NOT_SENT, heldMicros);
                host.closeSession(c.code(), c.reason(), what + (by == null ? "" : " (" + by + ")"));
            }
            case ABORT -> {
                record(frame, by, said(plan, "not sent: aborted the connections"), Provenance.Delivery.NOT_SENT, heldMicros);
                host.abort("aborted without a close frame" + (by == null ? "" : " by " + by));
            }
            case FORWARD -> forward(item, plan, heldMicros);
        }
    }

    private void forward(InterceptedDirection.Item item, Plan plan, long heldMicros) {
        RecordedFrame frame = item.frame();
        FrameType type = plan.typeOr(frame.type());
        byte[] payload = plan.payloadOr(frame.payload());
        ByteBuffer bytes;
        int fragments = frame.fragments();
        if (plan.frames() > 0 && !type.isControl()) { // a control frame is never fragmented
            dir.touch(item);
            bytes = MessageEncoder.fragments(direction, type, payload, plan.frames());
            fragments = plan.frames();
        } else if (plan.content() != null) {
            dir.touch(item);
            bytes = dir.encodeExtra(type, payload);
        } else {
            bytes = dir.encodeOwn(item);
        }
        effects(plan); // a stall or throttle is in place before the message goes, so its answer is held too
        byte[] original = plan.content() == null ? null : dir.cutBytes(frame.payload());
        RecordedFrame sent = new RecordedFrame(frame.sessionId(), 0, frame.timeMicros(), direction, type, payload, fragments,
                frame.note(), frame.wire(), Provenance.rule(plan.by(), plan.effect(null), Provenance.Delivery.DELIVERED, heldMicros,
                original, original == null ? null : frame.type()));
        dir.out(bytes, sent);
        for (int k = 1; k <= plan.copies(); k++) {
            dir.out(dir.encodeExtra(type, payload), extra(frame, direction, type, payload, plan.by(),
                    "duplicate (copy " + k + " of " + plan.copies() + ")"));
        }
        for (Decision.InjectAfter x : plan.after()) {
            dir.out(dir.encodeExtra(x.type(), x.payload()), extra(frame, direction, x.type(), x.payload(),
                    x.cause() == null ? plan.by() : x.cause().source(), "injected after the message before it"));
        }
        then(plan);
    }

    /** After the message (and what follows it) is written: the session's close, or the connections cut. */
    private void then(Plan plan) {
        String by = plan.by() == null ? "" : " (" + plan.by() + ")";
        if (plan.then() == Plan.Then.CLOSE) {
            Decision.Close c = plan.close();
            // The proxy's close waits for what the outbox holds, then goes at the next boundary of each direction.
            host.closeSession(c.code(), c.reason(), "closed after a message with " + c.code()
                    + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason()) + by);
        } else if (plan.then() == Plan.Then.ABORT) {
            dir.afterWritten(() -> host.abort("aborted without a close frame after a message" + by));
        }
    }

    /** What the plan's steps did (a delay, a rewrite), then what became of the message. */
    private static String said(Plan plan, String fate) {
        return plan.words().isEmpty() ? fate : plan.effect(null) + "; " + fate;
    }

    private void effects(Plan plan) {
        for (Decision d : plan.effects()) {
            if (d instanceof Decision.Stall s) {
                host.stall(s.direction(), s.duration(), s.releasedBy());
            } else if (d instanceof Decision.Throttle t) {
                host.throttle(t.direction(), t.bytesPerSecond());
            }
        }
    }

    private void record(RecordedFrame frame, String by, String effect, Provenance.Delivery delivery, long heldMicros) {
        host.record(direction, dir.cut(frame.withProvenance(Provenance.rule(by, effect, delivery, heldMicros, null, null))), true);
    }

    /** A message a rule sent (a copy, an answer, one injected after): recorded once written. */
    private static RecordedFrame extra(RecordedFrame cause, Direction to, FrameType type, byte[] payload, String by, String effect) {
        int opcode = type == FrameType.TEXT ? 0x1 : 0x2;
        return new RecordedFrame(cause.sessionId(), 0, cause.timeMicros(), to, type, payload, 1, null,
                new WireShape(opcode, 0, payload.length, payload.length, false, to == Direction.CLIENT_TO_SERVER),
                Provenance.rule(by, effect, Provenance.Delivery.DELIVERED, 0, null, null));
    }
}
