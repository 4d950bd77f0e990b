package dev.sockscope.proxy.rules;

import java.util.random.RandomGenerator;

/** How long a delay rule holds a message: fixed, or drawn from a distribution with the rule's seeded generator. */
public sealed interface Jitter {
    /** The delay for one message, in microseconds, never negative. */
    long drawMicros(RandomGenerator random);

    /** Always the same delay. */
    record Fixed(long micros) implements Jitter {
        @Override
        public long drawMicros(RandomGenerator random) {
            return micros;
        }
    }

    /** Any delay between {@code min} and {@code max}, each as likely. */
    record Uniform(long minMicros, long maxMicros) implements Jitter {
        @Override
        public long drawMicros(RandomGenerator random) {
            return minMicros == maxMicros ? minMicros : random.nextLong(minMicros, maxMicros + 1);
        }
    }

    /** A bell curve around {@code mean}, cut at 0 (and at {@code max} when given, else at mean + 4 stddev). */
    record Normal(long meanMicros, long stddevMicros, long maxMicros) implements Jitter {
        @Override
        public long drawMicros(RandomGenerator random) {
            long v = Math.round(meanMicros + random.nextGaussian() * stddevMicros);
            return Math.max(0, Math.min(v, maxMicros));
        }
    }
}
