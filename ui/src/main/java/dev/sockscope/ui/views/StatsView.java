package dev.sockscope.ui.views;

import java.util.List;

import dev.sockscope.recordings.SessionStats;

/**
 * A session's statistics as the HTTP API shows them, latencies in milliseconds like {@code latencyMs} of frames.
 * {@code series}: one point per {@code bucketMs} from {@code startMicros}; divide by {@code bucketMs / 1000} for rates.
 */
public record StatsView(long frames, long firstMicros, long lastMicros, double bucketMs, List<Point> series, Latency latency,
                        List<SessionStats.LabelCount> labels) {

    public record Point(long startMicros, long clientFrames, long clientBytes, long serverFrames, long serverBytes) {
    }

    public record Latency(long count, Double p50Ms, Double p90Ms, Double p99Ms, Double maxMs, List<Bin> histogram) {
    }

    /** Answers whose latency is at least {@code fromMs} and below {@code toMs} (null: no upper bound). */
    public record Bin(double fromMs, Double toMs, long count) {
    }

    public static StatsView of(SessionStats s) {
        SessionStats.Latency l = s.latency();
        return new StatsView(s.frames(), s.firstMicros(), s.lastMicros(), s.bucketMicros() / 1000.0,
                s.buckets().stream().map(b -> new Point(b.startMicros(), b.clientFrames(), b.clientBytes(), b.serverFrames(),
                        b.serverBytes())).toList(),
                new Latency(l.count(), ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.max()),
                        l.histogram().stream().map(b -> new Bin(b.fromMicros() / 1000.0,
                                b.toMicros() == Long.MAX_VALUE ? null : b.toMicros() / 1000.0, b.count())).toList()),
                s.labels());
    }

    private static Double ms(Long micros) {
        return micros == null ? null : micros / 1000.0;
    }
}
