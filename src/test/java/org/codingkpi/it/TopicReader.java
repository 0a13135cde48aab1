package org.codingkpi.it;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.codingkpi.config.PipelineConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reads topics back for assertions. */
final class TopicReader {
    private TopicReader() {
    }

    /** Reads a whole topic (committed records only) until {@code expected} records are in. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(PipelineConfig config, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = fromTheBeginning(config)) {
            List<TopicPartition> partitions = assignAll(consumer, topic);
            await("all " + expected + " records of " + topic + " read").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                        return out.size() >= expected;
                    });
            assertThat(consumer.poll(Duration.ofMillis(500)).count()).as("records beyond the expected ones in " + topic).isZero();
        }
        return out;
    }

    /**
     * Reads a topic (committed records only) up to its end offsets as of now: with read_committed,
     * the position reaches the end once every committed record before it was returned.
     */
    static List<ConsumerRecord<byte[], byte[]>> readToEnd(PipelineConfig config, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = fromTheBeginning(config)) {
            List<TopicPartition> partitions = assignAll(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("" + topic + " read to its end").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return out;
    }

    /** A read_committed consumer of no group (assign, not subscribe). */
    private static Consumer<byte[], byte[]> fromTheBeginning(PipelineConfig config) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns every partition of the topic, at its beginning. */
    private static List<TopicPartition> assignAll(Consumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
