package org.codingkpi.bench;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {

    @Test
    void percentileIsTheNearestRankOfTheSortedSamples() {
        // unsorted on purpose: 10 20 ... 100
        List<Long> ms = List.of(70L, 10L, 100L, 40L, 20L, 90L, 30L, 60L, 50L, 80L);
        assertThat(Stats.percentile(ms, 50)).isEqualTo(50); // rank ceil(5.0) = 5
        assertThat(Stats.percentile(ms, 51)).isEqualTo(60); // rank ceil(5.1) = 6
        assertThat(Stats.percentile(ms, 90)).isEqualTo(90);
        assertThat(Stats.percentile(ms, 99)).isEqualTo(100); // rank ceil(9.9) = 10
        assertThat(Stats.percentile(ms, 100)).isEqualTo(100);
        assertThat(Stats.percentile(ms, 1)).isEqualTo(10);
    }

    @Test
    void p99OfAHundredSamplesIsTheSecondLargest() {
        List<Long> ms = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            ms.add(i);
        }
        assertThat(Stats.percentile(ms, 99)).isEqualTo(99);
        assertThat(Stats.percentile(ms, 50)).isEqualTo(50);
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        assertThat(Stats.percentile(List.of(7L), 1)).isEqualTo(7);
        assertThat(Stats.percentile(List.of(7L), 99)).isEqualTo(7);
    }

    @Test
    void percentileRejectsNoSamplesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> Stats.percentile(List.of(), 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(List.of(1L), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(List.of(1L), 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratesCpuPerEventAndShares() {
        assertThat(Stats.rate(300_000, 2_000_000_000L)).isCloseTo(150_000, within(1e-6));
        assertThat(Stats.rate(5, 0)).isZero();
        // 12 s of CPU for 1,000,000 events = 12 us each
        assertThat(Stats.microsPerEvent(12_000_000_000L, 1_000_000)).isCloseTo(12.0, within(1e-9));
        assertThat(Stats.microsPerEvent(5, 0)).isZero();
        assertThat(Stats.share(6_000, 10_000)).isCloseTo(60.0, within(1e-9));
        assertThat(Stats.share(1, 0)).isZero();
    }

    @Test
    void processedInputsAreTheCommittedInputsLessTheRepartitionBacklog() {
        TopicPartition claims0 = new TopicPartition("app-claims-repartition", 0);
        TopicPartition claims1 = new TopicPartition("app-claims-repartition", 1);
        // 1,000 input records committed; partition 0 has 41 offsets not committed (40 records and the marker), partition 1 only its marker
        assertThat(Stats.processedInputs(1_000, Map.of(claims0, 500L, claims1, 300L), Map.of(claims0, 459L, claims1, 299L))).isEqualTo(960);
        // all caught up: exactly the input records
        assertThat(Stats.processedInputs(1_000, Map.of(claims0, 500L, claims1, 300L), Map.of(claims0, 500L, claims1, 300L))).isEqualTo(1_000);
        // a repartition partition nothing committed on yet counts from 0; never below 0
        assertThat(Stats.processedInputs(10, Map.of(claims0, 50L), Map.of())).isZero();
        assertThat(Stats.processedInputs(1_000, Map.of(), Map.of())).isEqualTo(1_000);
    }
}
