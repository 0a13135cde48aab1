package org.codingkpi.config;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The project's own settings never reach a Kafka client; Kafka's own settings always do. */
class PipelineConfigKeysTest {

    @Test
    void ownKeysStayAwayFromKafkaClients() {
        PipelineConfig config = PipelineConfig.of(Map.of(
                "drift.window", "28d", "audit.sample.size", "20", "oversight.rules.file", "rules.yaml",
                "topic.encounters", "enc", "schema.registry.url", "http://r", "roi.file", "roi.yaml", "anything.new", "x"));
        assertThat(config.streamsProperties().stringPropertyNames())
                .noneMatch(k -> k.startsWith("drift.") || k.startsWith("audit.") || k.startsWith("oversight.")
                        || k.equals("topic.encounters") || k.startsWith("schema.registry.") || k.equals("roi.file") || k.equals("anything.new"));
    }

    @Test
    void kafkaSettingsAndPrefixesPassThrough() {
        PipelineConfig config = PipelineConfig.of(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.location", "/t.p12",
                "producer.linger.ms", "20", "main.consumer.max.poll.records", "5000", "topic.retention.ms", "1000",
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500", "client.dns.lookup", "use_all_dns_ips"));
        assertThat(config.streamsProperties().stringPropertyNames()).contains("security.protocol", "sasl.mechanism",
                "ssl.truststore.location", "producer.linger.ms", "main.consumer.max.poll.records", "topic.retention.ms",
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "client.dns.lookup", StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    }
}
