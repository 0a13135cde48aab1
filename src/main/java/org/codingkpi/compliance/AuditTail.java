package org.codingkpi.compliance;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.codingkpi.compliance.audit.AuditFinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the audit topic and prints one line per finding record (kind, scope, summary; never the
 * evidence sample), for the demo's console: the alert path end to end. The evidence is one
 * {@code audit} command away.
 */
public final class AuditTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTail.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;

    private AuditTail(Map<String, Object> clientProperties, String topic, AuditCodec codec, PrintStream out, String hint) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "coding-kpi-audit-tail");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(() -> {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                        AuditFinding f = codec.decode(r.value());
                        out.println(AuditReport.oneLine(f));
                        out.println("        evidence (" + f.getSampleEncounterIds().size() + " sample encounters): " + hint);
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.warn("The audit console stopped: {}", e.toString());
            }
        }, "audit-tail");
        thread.setDaemon(true);
    }

    /**
     * @param hint how to see the evidence, e.g. the {@code audit} command line for this broker
     */
    public static AuditTail start(Map<String, Object> clientProperties, String topic, AuditCodec codec, PrintStream out, String hint) {
        AuditTail tail = new AuditTail(clientProperties, topic, codec, out, hint);
        tail.thread.start();
        return tail;
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
