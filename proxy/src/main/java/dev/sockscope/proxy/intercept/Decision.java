package dev.sockscope.proxy.intercept;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * What happens to one whole message of one direction: the typed result of {@link InterceptPoint#decide}, which
 * the relay only carries out. {@link Hold} is temporary: the message waits, and its direction behind it, until the
 * user (or the API) releases it as one of the others. A rule's decisions carry a {@link Cause}, so that the recording
 * can say "delayed 250 ms by rule slow-login"; several of them together are an {@link All}.
 */
public sealed interface Decision {
    Forward FORWARD = new Forward();
    Drop DROP = new Drop(null);

    /**
     * Who asked for a decision, as the recording names it.
     *
     * @param source who decided ({@code rule slow-login})
     * @param detail more words for the recording (the rule's own comment), or null
     */
    record Cause(String source, String detail) {
        public static Cause rule(String name) {
            return new Cause("rule " + name, null);
        }
    }

    /** Sent on as it came (byte for byte, while its direction is untouched). */
    record Forward() implements Decision {
    }

    /** Sent with other content instead: the original is recorded beside it. {@code cause} null: the user edited it. */
    record Replace(byte[] payload, FrameType type, Cause cause) implements Decision {
        public Replace {
            dataType(type, "replaced");
        }

        public Replace(byte[] payload, FrameType type) {
            this(payload, type, null);
        }
    }

    /** Not sent at all; recorded as dropped. For a ping or pong a rule was offered, this suppresses it. */
    record Drop(Cause cause) implements Decision {
    }

    /** Waits under {@code id} until released; {@code why} says which source held it (e.g. "breakpoint 3"). */
    record Hold(long id, String why) implements Decision {
    }

    /** The proxy closes the session (both sides) with this code and reason instead of sending the message. */
    record Close(int code, String reason, Cause cause) implements Decision {
        public Close(int code, String reason) {
            this(code, reason, null);
        }
    }

    /**
     * Sent {@code after} its arrival. Messages of its direction behind it wait (order kept) unless {@code reorder}:
     * then only it waits, and later ones may overtake it. The wait is a timer: no relay thread waits.
     */
    record Delay(Duration after, boolean reorder, Cause cause) implements Decision {
        public Delay {
            if (after.isNegative()) {
                throw new IllegalArgumentException("a delay is not negative: " + after);
            }
        }
    }

    /** Sent, then sent again {@code copies} more times (1: the receiver gets it twice). */
    record Duplicate(int copies, Cause cause) implements Decision {
        public Duplicate {
            if (copies < 1) {
                throw new IllegalArgumentException("a duplicate makes at least 1 copy, not " + copies);
            }
        }
    }

    /** Not forwarded: this reply goes back to the sender instead (a stub for one call). */
    record Answer(byte[] payload, FrameType type, Cause cause) implements Decision {
        public Answer {
            dataType(type, "answered with");
        }
    }

    /** Forwarded, then this message follows in the same direction. */
    record InjectAfter(byte[] payload, FrameType type, Cause cause) implements Decision {
        public InjectAfter {
            dataType(type, "injected as");
        }
    }

    /** Sent as {@code frames} frames (the first, then continuations) instead of as it came. */
    record Refragment(int frames, Cause cause) implements Decision {
        public Refragment {
            if (frames < 1) {
                throw new IllegalArgumentException("a message goes in at least 1 frame, not " + frames);
            }
        }
    }

    /** Not sent: both TCP connections are cut without a close frame (the peers see 1006). */
    record Abort(Cause cause) implements Decision {
    }

    /** Sent, and then the proxy closes the session (both sides) with this code and reason; nothing behind it goes. */
    record CloseAfter(int code, String reason, Cause cause) implements Decision {
    }

    /** Sent, and once it is written both TCP connections are cut without a close frame; nothing behind it goes. */
    record AbortAfter(Cause cause) implements Decision {
    }

    /**
     * The message goes on, and from now on the sender of {@code direction} is not read (a slow consumer: TCP pushes
     * back on it) for {@code duration}, or until {@code releasedBy} completes, whichever comes first; both null: until
     * the session ends.
     */
    record Stall(Direction direction, Duration duration, CompletableFuture<Void> releasedBy, Cause cause) implements Decision {
        public Stall(Direction direction, Duration duration, Cause cause) {
            this(direction, duration, null, cause);
        }
    }

    /** The message goes on, and from now on the sender of {@code direction} is read at most this fast (0: no cap). */
    record Throttle(Direction direction, long bytesPerSecond, Cause cause) implements Decision {
        public Throttle {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("a throttle is not negative: " + bytesPerSecond);
            }
        }
    }

    /**
     * Several at once, say a rewrite and a delay: content ({@link Replace}), timing ({@link Delay}), copies, framing,
     * what follows, stalls and throttles add up; of the fates ({@link Drop}, {@link Answer}, {@link Close},
     * {@link Abort}) the last one counts, and so of {@link CloseAfter} and {@link AbortAfter}. Never a {@link Hold}.
     */
    record All(List<Decision> steps) implements Decision {
        public All {
            steps = List.copyOf(steps);
            for (Decision d : steps) {
                if (d instanceof Hold) {
                    throw new IllegalArgumentException("a hold is not one of several steps");
                }
            }
        }
    }

    /** A hold for a {@link DecisionSource} to return: {@link InterceptPoint} gives it its id. */
    static Hold hold(String why) {
        return new Hold(0, why);
    }

    private static void dataType(FrameType type, String what) {
        if (type != FrameType.TEXT && type != FrameType.BINARY) {
            throw new IllegalArgumentException("a data message is " + what + " text or binary, not " + type.label());
        }
    }
}
