package org.codingkpi.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.events.InvalidEventException;

import java.nio.charset.StandardCharsets;

/**
 * Claims arrive keyed by claim_id; attribution needs them in the task of their encounter. This
 * validates each claim record (an invalid one goes to the dead-letter topic from here), then hands
 * it straight to the KPI processor when it already sits in its encounter's partition (the claims
 * topic is read in the KPI processor's tasks, partition for partition), and otherwise re-keys the
 * original bytes by encounter_id for the claims repartition topic, which the same tasks read.
 *
 * <p>A producer that puts each claim in its encounter's partition ({@code EncounterPartitions}: the
 * key stays claim_id) sends no claim through the repartition topic; one that partitions by claim_id
 * sends about (n−1)/n of them there. Either way all events of a claim share an encounter and a
 * source partition, so they take the same path and keep their order.
 */
final class ClaimRouter implements Processor<byte[], byte[], byte[], byte[]> {
    /** Child of the router for a claim already in its encounter's task. */
    static final String DIRECT = "merge-claims-direct";
    /** Child of the router for a claim to re-key: the repartition's first node. */
    static final String REROUTE = CodingKpiTopology.CLAIMS_REPARTITION + "-repartition-filter";

    private final EventCodec codec;
    private final int encounterPartitions;
    private ProcessorContext<byte[], byte[]> context;
    private int partition;

    ClaimRouter(EventCodec codec, int encounterPartitions) {
        this.codec = codec;
        this.encounterPartitions = encounterPartitions;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        partition = context.taskId().partition();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SpecificRecord event = codec.decode(record.value());
        EventType type = EventType.of(event);
        if (!type.isClaim()) {
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA,
                    event.getSchema().getName() + " is not a claim event and does not belong on the claims topic");
        }
        String encounterId = (String) event.get(3); // encounter_id, the fourth common field of every schema
        EventValidator.validate(event, context.currentSystemTimeMs());
        byte[] key = encounterId.getBytes(StandardCharsets.UTF_8);
        if (partitionOf(key, encounterPartitions) == partition) {
            DecodedClaim.remember(record.value(), event);
            context.forward(record, DIRECT);
        } else {
            context.forward(record.withKey(key), REROUTE);
        }
    }

    /** The partition of an encounter key, as the Java producer's default partitioner (and the repartition) chooses it. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /**
     * The last claim this thread's router handed straight to the KPI processor, decoded, so that the
     * processor does not decode the same bytes again (matched by identity of the value array).
     */
    static final class DecodedClaim {
        private static final ThreadLocal<DecodedClaim> LAST = ThreadLocal.withInitial(DecodedClaim::new);
        private byte[] raw;
        private SpecificRecord event;

        static void remember(byte[] raw, SpecificRecord event) {
            DecodedClaim d = LAST.get();
            d.raw = raw;
            d.event = event;
        }

        /** The decoded event when {@code raw} is the array last remembered on this thread, else null (and forgotten). */
        static SpecificRecord take(byte[] raw) {
            DecodedClaim d = LAST.get();
            SpecificRecord e = d.raw == raw ? d.event : null;
            d.raw = null;
            d.event = null;
            return e;
        }
    }
}
