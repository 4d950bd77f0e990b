package dev.sockscope.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The one memory budget: its default for a heap, its four shares, and the sizes it refuses. */
class MemoryBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aSmallHeapGetsFortyPercentInFourEqualShares() {
        MemoryBudget budget = MemoryBudget.forHeap(256 * MIB);
        assertThat(budget.totalBytes()).isEqualTo(107_374_160L);
        assertThat(budget.captureQueueBytes()).isEqualTo(26_843_540L);
        assertThat(budget.decodedQueueBytes()).isEqualTo(26_843_540L);
        assertThat(budget.messageBytes()).isEqualTo(26_843_540L);
        assertThat(budget.storeCacheBytes()).isEqualTo(26_843_540L);
        assertThat(budget.describe()).isEqualTo("memory budget 102.4 MiB: capture queue 25.6 MiB, decoded queue 25.6 MiB,"
                + " messages in flight 25.6 MiB, store cache 25.6 MiB");
    }

    @Test
    void aOneGibHeapGetsFortyPercent() {
        MemoryBudget budget = MemoryBudget.forHeap(GIB);
        assertThat(budget.totalBytes()).isEqualTo(429_496_720L);
        assertThat(budget.captureQueueBytes()).isEqualTo(107_374_180L);
        assertThat(budget.messageBytes()).isEqualTo(107_374_180L);
        assertThat(budget.storeCacheBytes()).isEqualTo(107_374_180L);
        assertThat(budget.describe()).startsWith("memory budget 409.6 MiB: capture queue 102.4 MiB");
    }

    @Test
    void aLargeHeapStopsAtOneGibWithAQuarterEach() {
        MemoryBudget budget = MemoryBudget.forHeap(8 * GIB);
        assertThat(budget.totalBytes()).isEqualTo(GIB);
        assertThat(budget.captureQueueBytes()).isEqualTo(256 * MIB);
        assertThat(budget.decodedQueueBytes()).isEqualTo(256 * MIB);
        assertThat(budget.messageBytes()).isEqualTo(256 * MIB);
        assertThat(budget.storeCacheBytes()).isEqualTo(256 * MIB);
        assertThat(budget.describe()).isEqualTo("memory budget 1 GiB: capture queue 256 MiB, decoded queue 256 MiB,"
                + " messages in flight 256 MiB, store cache 256 MiB");
    }

    @Test
    void aTinyHeapGetsTheMinimumRatherThanARefusal() {
        assertThat(MemoryBudget.forHeap(20 * MIB).totalBytes()).isEqualTo(MemoryBudget.MIN_BYTES);
    }

    @Test
    void theQueuesTakeTheirSharesAsLimits() {
        MemoryBudget budget = MemoryBudget.chosen(64 * MIB, GIB);
        EventBus.Limits capture = budget.captureQueue(Duration.ofMillis(2));
        EventBus.Limits decoded = budget.decodedQueue(Duration.ofMillis(20));
        assertThat(capture).isEqualTo(new EventBus.Limits(16 * MIB, 200_000, Duration.ofMillis(2)));
        assertThat(decoded).isEqualTo(new EventBus.Limits(16 * MIB, 200_000, Duration.ofMillis(20)));
    }

    @Test
    void aBudgetBelowTheMinimumIsRefusedSayingTheMinimum() {
        assertThatThrownBy(() -> MemoryBudget.chosen(8 * MIB, GIB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a memory budget of 8 MiB is too small: at least 16 MiB");
        assertThat(MemoryBudget.chosen(16 * MIB, GIB).messageBytes()).isEqualTo(4 * MIB);
    }

    @Test
    void aBudgetBeyondThreeQuartersOfTheHeapIsRefusedSayingTheMost() {
        assertThatThrownBy(() -> MemoryBudget.chosen(800 * MIB, GIB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a memory budget of 800 MiB does not fit this JVM's heap of 1 GiB: at most 768 MiB (3/4 of -Xmx);"
                        + " raise -Xmx or lower --memory");
    }
}
