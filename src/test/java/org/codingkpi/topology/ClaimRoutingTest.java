package org.codingkpi.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.CodingMode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.TestEvents.adj;
import static org.codingkpi.TestEvents.coded;
import static org.codingkpi.TestEvents.days;
import static org.codingkpi.TestEvents.denied;
import static org.codingkpi.TestEvents.discharged;
import static org.codingkpi.TestEvents.paid;
import static org.codingkpi.TestEvents.submitted;

/**
 * A claim reaches its encounter's task straight from the claims topic or through the claims
 * repartition topic; the two paths agree on where an encounter lives, and give the same series.
 */
class ClaimRoutingTest {
    static {
        org.codingkpi.events.EventType.values(); // registers the generated classes with Avro's class trust before any is built
    }

    @Test
    void theRouterTheProducersAndTheDefaultPartitionerPlaceAnEncounterAlike() {
        for (int i = 0; i < 2_000; i++) {
            String id = i % 2 == 0 ? UUID.randomUUID().toString() : "E-" + i;
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            for (int n = 1; n <= 12; n++) {
                int expected = BuiltInPartitioner.partitionForKey(key, n);
                assertThat(CodingKpiTopology.encounterPartition(key, n)).isEqualTo(expected);
            }
        }
    }

    @Test
    void claimsReadInPlaceCountAsClaimsThroughTheRepartitionTopic() {
        List<SpecificRecord> history = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String e = "E" + i;
            String claim = "P|" + e;
            history.add(discharged(e, days(0)).build());
            history.add(coded(e, days(0), days(1), 1, i % 3 == 0 ? CodingMode.AI_ASSISTED : CodingMode.MANUAL).build());
            history.add(submitted(e, claim, days(2), ClaimFrequency.ORIGINAL).build());
            history.add(i % 4 == 0 ? denied(e, claim, days(2), days(20), adj(AdjustmentGroup.CO, "16")).build()
                    : paid(e, claim, days(2), days(30)).build());
        }
        Map<String, Double> inPlace;
        try (KpiDriver byEncounter = new KpiDriver(Map.of(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id"), 1)) {
            inPlace = byEncounter.pipe(history.toArray(SpecificRecord[]::new)).scrape();
        }
        try (KpiDriver byClaim = new KpiDriver(Map.of(), 4)) {
            assertThat(byClaim.pipe(history.toArray(SpecificRecord[]::new)).scrape()).isEqualTo(inPlace);
        }
        assertThat(sum(inPlace, "coding_claims_submitted_total{")).isEqualTo(40.0);
        assertThat(sum(inPlace, "coding_claims_adjudicated_total{")).isEqualTo(40.0);
        assertThat(sum(inPlace, "coding_claim_denial_reasons_total{")).isEqualTo(10.0);
    }

    @Test
    void aClaimOutsideItsEncountersPartitionIsDeadLetteredWhenClaimsArePartitionedByEncounter() {
        // the driver's one task reads partition 0 of four: a claim whose encounter lives elsewhere was misplaced
        String home = null;
        String elsewhere = null;
        for (int i = 0; home == null || elsewhere == null; i++) {
            String e = "E" + i;
            if (CodingKpiTopology.encounterPartition(e.getBytes(StandardCharsets.UTF_8), 4) == 0) {
                home = home == null ? e : home;
            } else {
                elsewhere = elsewhere == null ? e : elsewhere;
            }
        }
        try (KpiDriver kpi = new KpiDriver(Map.of(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id"), 4)) {
            kpi.pipe(coded(home, days(0), days(1), 1, CodingMode.MANUAL).build(), coded(elsewhere, days(0), days(1), 1, CodingMode.MANUAL).build(),
                    submitted(home, "P|" + home, days(2), ClaimFrequency.ORIGINAL).build(),
                    submitted(elsewhere, "P|" + elsewhere, days(2), ClaimFrequency.ORIGINAL).build());
            assertThat(kpi.drainDeadLetters()).hasSize(1);
            assertThat(sum(kpi.scrape(), "coding_claims_submitted_total{")).isEqualTo(1.0);
        }
    }

    private static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }
}
