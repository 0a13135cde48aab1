package org.codingkpi.topology;

import org.apache.kafka.streams.TopologyDescription;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Store and topic names are part of the deployment (changelogs, repartition topics): renaming one loses state. */
class TopologyNamingTest {

    @Test
    void storesAndInternalTopicsKeepTheirNames() {
        TopologyDescription d = CodingKpiTopology.buildTopology(PipelineConfig.of(Map.of()), new EventCodec(new BundledSchemaRegistry()),
                DenialCategorizer.defaults(), 6, EventObserver.NONE).describe();
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        Set<String> nodes = new TreeSet<>();
        for (TopologyDescription.Subtopology s : d.subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                nodes.add(n.name());
                if (n instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                } else if (n instanceof TopologyDescription.Source src) {
                    topics.addAll(src.topicSet());
                } else if (n instanceof TopologyDescription.Sink sink) {
                    topics.add(sink.topic());
                }
            }
        }
        assertThat(stores).containsAll(Set.of("kpi-store", "attribution-store", "claim-store", "pending-claims-store", "dnfc-store",
                "rejects-store", "dedupe-encounters-store", "dedupe-ai-suggestions-store", "dedupe-claims-store"));
        assertThat(topics).containsAll(Set.of("encounters", "ai-suggestions", "claims", "coding-kpi-dead-letter",
                "claims-by-encounter-repartition"));
        assertThat(nodes).contains("claims-source", "claims-router", "encounters-source", "ai-suggestions-source", "kpi-processor",
                "dead-letter-source", "dead-letter-counter");
        assertThat(stores).containsAll(Set.of("compliance-days-store", "compliance-scopes-store", "compliance-findings-store",
                "compliance-clock-store", "expiry-index-store"));
        assertThat(topics).contains("compliance-by-scope-repartition", "coding-kpi-audit");
        // two repartitions: claims to their encounter's task; compliance observations to their scope's detector
        assertThat(d.subtopologies()).hasSizeLessThanOrEqualTo(4);
    }
}
