package org.codingkpi.app;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.topology.CodingKpiTopology;
import org.codingkpi.events.EventType;

import java.nio.charset.StandardCharsets;

/**
 * The partition a producer of ours gives an event: a claim event goes to the partition of its
 * encounter ({@link CodingKpiTopology#encounterPartition}, where the default partitioner places the
 * encounter's own events), while its key stays the claim_id (EVENTS.md). The pipeline then reads the claim in its
 * encounter's task, with no trip through the claims repartition topic. Every event of a claim has
 * the same encounter, so a claim's events still share one partition and keep their order. Other
 * events: the producer's default (by key).
 */
public final class EncounterPartitions {
    private final Producer<?, ?> producer;
    private String claimsTopic;
    private int claimsPartitions;

    public EncounterPartitions(Producer<?, ?> producer) {
        this.producer = producer;
    }

    /** The partition for {@code event} on {@code topic}, or null for the producer's default. */
    public Integer of(String topic, SpecificRecord event) {
        if (!EventType.of(event).isClaim()) {
            return null;
        }
        if (!topic.equals(claimsTopic)) {
            claimsTopic = topic;
            try {
                claimsPartitions = producer.partitionsFor(topic).size();
            } catch (org.apache.kafka.common.KafkaException e) {
                claimsPartitions = 0; // the send reports what is wrong with the topic; meanwhile the default partitioner
            }
        }
        return claimsPartitions > 0
                ? CodingKpiTopology.encounterPartition(EventType.encounterId(event).getBytes(StandardCharsets.UTF_8), claimsPartitions) : null;
    }
}
