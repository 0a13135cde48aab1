package org.codingkpi.app;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimEvent;

import java.nio.charset.StandardCharsets;

/**
 * Sends simulator deliveries to the input topics as an upstream system would: valid events as Avro
 * in the Confluent wire format; an invalid line as Avro when it still parses (it breaks a semantic
 * rule, and the pipeline dead-letters it), else as its raw bytes (undecodable on the wire).
 */
public final class SimFeed {
    private final PipelineConfig config;
    private final EventCodec codec;
    private final Producer<byte[], byte[]> producer;
    private final EncounterPartitions partitions;

    public SimFeed(PipelineConfig config, EventCodec codec, Producer<byte[], byte[]> producer) {
        this.config = config;
        this.codec = codec;
        this.producer = producer;
        this.partitions = new EncounterPartitions(producer);
    }

    /**
     * @param recordTimestampMs the Kafka record timestamp: the wall clock for a live feed (so the
     *     end-to-end latency metric is meaningful), or occurred_at for a history
     */
    public void send(SimEvent e, long recordTimestampMs) {
        byte[] key = e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8);
        if (e.event() != null) {
            String topic = Topics.of(EventType.of(e.event()), config);
            producer.send(new ProducerRecord<>(topic, partitions.of(topic, e.event()), recordTimestampMs, key, codec.encode(topic, e.event())));
            return;
        }
        JsonEvents.Parsed parsed = JsonEvents.parse(e.rawLine());
        EventType type = parsed.ok() ? parsed.type() : EventType.of(e.type());
        String topic = type != null ? Topics.of(type, config) : config.encountersTopic();
        byte[] value = parsed.ok() ? codec.encode(topic, parsed.event()) : e.rawLine().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, null, recordTimestampMs, key, value));
    }
}
