package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Topics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.deadletter.DeadLetterHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated history as the Kafka records the upstream systems (or {@code import}) send, in
 * delivery order, with what the pipeline must make of them: the valid deliveries (duplicates
 * included, the input of {@link ReferenceModel}), the rejects by reason, and every identifier the
 * history holds (for the privacy scans). Lines that cannot become a record go straight to the
 * dead-letter topic with their reason, as {@code Importer} does; lines that break a semantic rule
 * are sent as records for the pipeline to reject.
 */
final class SimulatedFeed {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    /** For each record, the valid event it carries; null for the invalid ones. */
    final List<SpecificRecord> eventOfRecord = new ArrayList<>();
    final List<SpecificRecord> valid = new ArrayList<>();
    final Map<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);
    final Set<String> identifiers = new HashSet<>();
    /** Every record that must end in the dead-letter topic: its value and the reason it must carry. */
    final List<DeadLetter> deadLetters = new ArrayList<>();
    long duplicates;
    long late;

    /** A record the dead-letter topic must hold: the original value (null for a tombstone) and its reason. */
    record DeadLetter(RejectReason reason, byte[] value) {
        /** Comparable form: reason and the value's bytes in hex. */
        String fingerprint() {
            return reason.label() + " " + (value == null ? "null" : java.util.HexFormat.of().formatHex(value));
        }
    }

    private SimulatedFeed() {
    }

    static SimulatedFeed of(SimulatorConfig simulation, PipelineConfig config, EventCodec codec) {
        SimulatedFeed feed = new SimulatedFeed();
        long wallClock = System.currentTimeMillis();
        Simulator sim = new Simulator(simulation);
        while (sim.hasNext()) {
            SimEvent e = sim.next();
            if (e.kind() == SimEvent.Kind.DUPLICATE) {
                feed.duplicates++;
            }
            if (e.late()) {
                feed.late++;
            }
            if (e.event() != null) {
                feed.valid.add(e.event());
                feed.records.add(record(e.event(), config, codec, wallClock));
                feed.eventOfRecord.add(e.event());
                feed.addIdentifiers(e.event());
                continue;
            }
            feed.rejects.merge(e.expectedReject(), 1L, Long::sum);
            Matcher m = UUID.matcher(e.rawLine());
            while (m.find()) {
                feed.identifiers.add(m.group());
            }
            JsonEvents.Parsed parsed = JsonEvents.parse(e.rawLine());
            ProducerRecord<byte[], byte[]> r;
            if (parsed.ok()) {
                // breaks a semantic rule: the pipeline rejects it
                r = record(parsed.event(), config, codec, wallClock);
                feed.addIdentifiers(parsed.event());
            } else {
                r = new ProducerRecord<>(config.deadLetterTopic(), null, e.rawLine().getBytes(StandardCharsets.UTF_8));
                r.headers().add(DeadLetterHandler.REASON_HEADER, parsed.reason().label().getBytes(StandardCharsets.UTF_8));
                r.headers().add(Importer.LINE_HEADER, Long.toString(sim.deliveredCount()).getBytes(StandardCharsets.UTF_8));
            }
            feed.records.add(r);
            feed.eventOfRecord.add(null);
            feed.deadLetters.add(new DeadLetter(e.expectedReject(), r.value()));
        }
        return feed;
    }

    /** The record {@code import} sends for an event: on its type's topic, keyed as the contract says. */
    static ProducerRecord<byte[], byte[]> record(SpecificRecord event, PipelineConfig config, EventCodec codec, long wallClock) {
        String topic = Topics.of(EventType.of(event), config);
        return new ProducerRecord<>(topic, null, Math.min(EventType.occurredAtMs(event), wallClock),
                EventType.key(event).getBytes(StandardCharsets.UTF_8), codec.encode(topic, event));
    }

    private void addIdentifiers(SpecificRecord event) {
        identifiers.add((String) event.get(0));
        identifiers.add((String) event.get(3));
        if (event instanceof ClaimDenied d) {
            identifiers.add(d.getClaimId());
        } else if (event instanceof ClaimPaid p) {
            identifiers.add(p.getClaimId());
        }
    }

    /** Records that end accepted, duplicate or dead-lettered: all of them. */
    long size() {
        return records.size();
    }

    long rejected() {
        return rejects.values().stream().mapToLong(Long::longValue).sum();
    }
}
