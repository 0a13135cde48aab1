package org.codingkpi.bench;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.codingkpi.app.Topics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simulated history sent straight to the input topics, as {@code simulate --bootstrap-servers}
 * does: valid events as Avro with occurred_at as record timestamp, invalid lines as Avro when they
 * parse (the pipeline dead-letters them) or as raw bytes. Every record reaches an input topic, so
 * the pipeline sees each one (accepted, duplicate or dead-lettered).
 */
final class History {
    /** What was sent. */
    record Loaded(long records, long invalid, long nanos, Instant first, Instant last) {
    }

    private History() {
    }

    /** A messy history of {@code days} days that ends today (UTC), so that a live feed continues it. */
    static SimulatorConfig endingToday(long seed, int days, int encountersPerDay) {
        Instant start = LocalDate.now(ZoneOffset.UTC).minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
        return SimulatorConfig.builder().seed(seed).start(start).days(days).encountersPerDay(encountersPerDay)
                .goLive(start.plus(java.time.Duration.ofDays(Math.min(30, days / 3)))).messy().build();
    }

    /** Sends the history, at most {@code maxRecords} records (0: all of it), and flushes. */
    static Loaded load(SimulatorConfig sim, PipelineConfig config, EventCodec codec, Producer<byte[], byte[]> producer, long maxRecords) {
        return load(sim, config, codec, producer, maxRecords, () -> false);
    }

    /** As {@link #load(SimulatorConfig, PipelineConfig, EventCodec, Producer, long)}, until {@code stop} says so. */
    static Loaded load(SimulatorConfig sim, PipelineConfig config, EventCodec codec, Producer<byte[], byte[]> producer, long maxRecords,
                       java.util.function.BooleanSupplier stop) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Simulator s = new Simulator(sim);
        org.codingkpi.app.EncounterPartitions partitions = new org.codingkpi.app.EncounterPartitions(producer);
        long wallClock = System.currentTimeMillis();
        long n = 0;
        long invalid = 0;
        Instant first = null;
        Instant last = null;
        long t0 = System.nanoTime();
        while (s.hasNext() && (maxRecords <= 0 || n < maxRecords)) {
            SimEvent e = s.next();
            byte[] key = e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8);
            String topic;
            byte[] value;
            long ts;
            Integer partition = null;
            if (e.event() != null) {
                topic = Topics.of(EventType.of(e.event()), config);
                partition = partitions.of(topic, e.event());
                value = codec.encode(topic, e.event());
                ts = EventType.occurredAtMs(e.event());
            } else {
                invalid++;
                JsonEvents.Parsed parsed = JsonEvents.parse(e.rawLine());
                EventType type = parsed.ok() ? parsed.type() : EventType.of(e.type());
                topic = type != null ? Topics.of(type, config) : config.encountersTopic();
                value = parsed.ok() ? codec.encode(topic, parsed.event()) : e.rawLine().getBytes(StandardCharsets.UTF_8);
                ts = e.deliveredAt().toEpochMilli();
            }
            // never in the future: the broker rejects timestamps ahead of its clock, and with them the batch
            producer.send(new ProducerRecord<>(topic, partition, Math.min(ts, wallClock), key, value), (md, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
            });
            n++;
            first = first == null ? e.deliveredAt() : first;
            last = e.deliveredAt();
            if (failure.get() != null || (n % 1000 == 0 && stop.getAsBoolean())) {
                break;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("sending the history failed: " + failure.get().getMessage(), failure.get());
        }
        return new Loaded(n, invalid, System.nanoTime() - t0, first, last);
    }
}
