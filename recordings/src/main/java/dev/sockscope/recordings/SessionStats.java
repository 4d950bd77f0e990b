package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sockscope.wire.Direction;

/**
 * A session's figures for charts: frames and payload bytes each way per time bucket (at most a few hundred buckets,
 * of a round width), the latency of answered requests (a histogram and percentiles, in µs), and frames per label.
 */
public record SessionStats(long frames, long firstMicros, long lastMicros, long bucketMicros, List<Bucket> buckets,
                           Latency latency, List<LabelCount> labels) {

    /** Frames and payload bytes that started in {@code [startMicros, startMicros + bucketMicros)}. */
    public record Bucket(long startMicros, long clientFrames, long clientBytes, long serverFrames, long serverBytes) {
    }

    /** Answers with a latency: how many, percentiles and the largest (µs, null when none), and the histogram. */
    public record Latency(long count, Long p50, Long p90, Long p99, Long max, List<Bin> histogram) {
    }

    /** Answers with a latency in {@code [fromMicros, toMicros)}. */
    public record Bin(long fromMicros, long toMicros, long count) {
    }

    public record LabelCount(String label, long count) {
    }

    /** Round bucket widths, in µs: the smallest that keeps the chart within its points is used. */
    private static final long[] WIDTHS = {1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
            1_000_000, 2_000_000, 5_000_000, 10_000_000, 15_000_000, 30_000_000, 60_000_000, 120_000_000, 300_000_000,
            600_000_000, 900_000_000, 1_800_000_000L, 3_600_000_000L, 7_200_000_000L, 21_600_000_000L, 43_200_000_000L,
            86_400_000_000L};
    /** Latency histogram bounds in µs: 1-2-5 steps from 10 µs to 100 s. */
    private static final long[] BIN_BOUNDS;

    static {
        List<Long> bounds = new ArrayList<>();
        for (long decade = 10; decade <= 100_000_000; decade *= 10) {
            bounds.add(decade);
            if (decade < 100_000_000) {
                bounds.add(decade * 2);
                bounds.add(decade * 5);
            }
        }
        BIN_BOUNDS = bounds.stream().mapToLong(Long::longValue).toArray();
    }

    /** Accumulates frame summaries of one session, given its time span up front. */
    public static final class Builder {
        private final long first;
        private final long last;
        private final long width;
        private final long[][] perBucket;
        private final long[] binCounts = new long[BIN_BOUNDS.length + 1];
        private final Map<String, Long> labels = new HashMap<>();
        private long[] latencies = new long[1024];
        private int latencyCount;
        private long frames;

        public Builder(long firstMicros, long lastMicros, int maxBuckets) {
            this.first = firstMicros;
            this.last = Math.max(firstMicros, lastMicros);
            long span = this.last - first + 1;
            long w = WIDTHS[WIDTHS.length - 1];
            for (long candidate : WIDTHS) {
                if ((span + candidate - 1) / candidate <= maxBuckets) {
                    w = candidate;
                    break;
                }
            }
            this.width = w;
            this.perBucket = new long[(int) Math.min(maxBuckets, (span + w - 1) / w)][4];
        }

        public void add(FrameSummary s) {
            frames++;
            int b = (int) Math.min(perBucket.length - 1, Math.max(0, (s.timeMicros() - first) / width));
            int side = s.from() == Direction.CLIENT_TO_SERVER ? 0 : 2;
            perBucket[b][side]++;
            perBucket[b][side + 1] += s.size();
            if (s.label() != null) {
                labels.merge(s.label(), 1L, Long::sum);
            }
            if (s.latencyMicros() != null) {
                long l = s.latencyMicros();
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencyCount * 2);
                }
                latencies[latencyCount++] = l;
                int bin = Arrays.binarySearch(BIN_BOUNDS, l);
                binCounts[bin >= 0 ? bin + 1 : -bin - 1]++;
            }
        }

        public SessionStats build() {
            List<Bucket> buckets = new ArrayList<>(perBucket.length);
            for (int i = 0; i < perBucket.length; i++) {
                long[] c = perBucket[i];
                buckets.add(new Bucket(first + i * width, c[0], c[1], c[2], c[3]));
            }
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            List<Bin> bins = new ArrayList<>();
            int lo = 0;
            int hi = binCounts.length - 1;
            while (lo <= hi && binCounts[lo] == 0) {
                lo++;
            }
            while (hi >= lo && binCounts[hi] == 0) {
                hi--;
            }
            for (int i = lo; i <= hi; i++) {
                bins.add(new Bin(i == 0 ? 0 : BIN_BOUNDS[i - 1], i < BIN_BOUNDS.length ? BIN_BOUNDS[i] : Long.MAX_VALUE, binCounts[i]));
            }
            Latency latency = new Latency(sorted.length, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                    sorted.length == 0 ? null : sorted[sorted.length - 1], bins);
            List<LabelCount> byLabel = labels.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> new LabelCount(e.getKey(), e.getValue())).toList();
            return new SessionStats(frames, first, last, width, buckets, latency, byLabel);
        }

        /** Nearest-rank percentile. */
        private static Long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return null;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }
}
