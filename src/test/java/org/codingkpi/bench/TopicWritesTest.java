package org.codingkpi.bench;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TopicWritesTest {
    private static final Set<String> INPUTS = Set.of("encounters", "claims");

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    @Test
    void recordsAreCountedAndMarkersAreTheOffsetsLeft() {
        // the changelog was created during the pass (no offset before): 2 partitions, 600 offsets, 560 records
        // the dead-letter topic had 10 records before (written at import) and got 12 more offsets, 10 records
        Map<TopicPartition, Long> before = Map.of(tp("dlq", 0), 10L, tp("encounters", 0), 1000L);
        Map<TopicPartition, Long> after = Map.of(tp("app-store-changelog", 0), 350L, tp("app-store-changelog", 1), 250L, tp("dlq", 0), 22L,
                tp("encounters", 0), 1000L);
        Map<TopicPartition, Long> counted = Map.of(tp("app-store-changelog", 0), 330L, tp("app-store-changelog", 1), 230L, tp("dlq", 0), 10L);

        List<TopicWrites.Row> rows = TopicWrites.rows(before, after, counted, 50, INPUTS);

        assertThat(rows).containsExactly(
                new TopicWrites.Row("app-store-changelog", TopicWrites.Kind.CHANGELOG, 600, 560, 40, false),
                new TopicWrites.Row("dlq", TopicWrites.Kind.OUTPUT, 12, 10, 2, false));
        assertThat(rows.get(0).recordsPerEvent(1000)).isCloseTo(0.56, within(1e-12));
        assertThat(TopicWrites.applicationRecords(rows)).isEqualTo(570);
        assertThat(TopicWrites.records(rows, TopicWrites.Kind.CHANGELOG)).isEqualTo(560);
    }

    @Test
    void moreGapsThanTransactionsMeanRecordsWereRemovedBeforeCounting() {
        // 20 transactions can leave at most 20 markers in a partition: 100 missing offsets were compacted or purged
        Map<TopicPartition, Long> after = Map.of(tp("app-x-repartition", 0), 1000L);
        Map<TopicPartition, Long> counted = Map.of(tp("app-x-repartition", 0), 900L);
        TopicWrites.Row row = TopicWrites.rows(Map.of(), after, counted, 20, INPUTS).get(0);
        assertThat(row.kind()).isEqualTo(TopicWrites.Kind.REPARTITION);
        assertThat(row.approximate()).isTrue();
        assertThat(TopicWrites.rows(Map.of(), after, counted, 100, INPUTS).get(0).approximate()).isFalse();
        assertThat(TopicWrites.rows(Map.of(), after, counted, -1, INPUTS).get(0).approximate()).isFalse();
    }

    @Test
    void aPartitionNotCountedCountsAllItsOffsetsAndIsMarkedApproximate() {
        Map<TopicPartition, Long> after = Map.of(tp("out", 0), 40L, tp("out", 1), 60L);
        TopicWrites.Row row = TopicWrites.rows(Map.of(), after, Map.of(tp("out", 0), 38L), 5, INPUTS).get(0);
        assertThat(row).isEqualTo(new TopicWrites.Row("out", TopicWrites.Kind.OUTPUT, 100, 98, 2, true));
    }

    @Test
    void topicsThatDidNotMoveAreLeftOutAndTheBrokersOwnAreNotTheApplications() {
        Map<TopicPartition, Long> before = Map.of(tp("encounters", 0), 500L, tp("__consumer_offsets", 3), 7L);
        Map<TopicPartition, Long> after = Map.of(tp("encounters", 0), 500L, tp("__consumer_offsets", 3), 27L, tp("__transaction_state", 0), 9L);
        Map<TopicPartition, Long> counted = Map.of(tp("__consumer_offsets", 3), 15L, tp("__transaction_state", 0), 9L);
        List<TopicWrites.Row> rows = TopicWrites.rows(before, after, counted, 10, INPUTS);
        assertThat(rows).extracting(TopicWrites.Row::topic).containsExactly("__consumer_offsets", "__transaction_state");
        assertThat(rows).extracting(TopicWrites.Row::kind).containsOnly(TopicWrites.Kind.BROKER);
        assertThat(rows.get(0).markers()).isEqualTo(5);
        assertThat(TopicWrites.applicationRecords(rows)).isZero();
    }

    @Test
    void kindsByName() {
        assertThat(TopicWrites.kindOf("claims", INPUTS)).isEqualTo(TopicWrites.Kind.INPUT);
        assertThat(TopicWrites.kindOf("coding-kpi-kpi-store-changelog", INPUTS)).isEqualTo(TopicWrites.Kind.CHANGELOG);
        assertThat(TopicWrites.kindOf("coding-kpi-claims-by-encounter-repartition", INPUTS)).isEqualTo(TopicWrites.Kind.REPARTITION);
        assertThat(TopicWrites.kindOf("__transaction_state", INPUTS)).isEqualTo(TopicWrites.Kind.BROKER);
        assertThat(TopicWrites.kindOf("coding-kpi-audit", INPUTS)).isEqualTo(TopicWrites.Kind.OUTPUT);
    }
}
