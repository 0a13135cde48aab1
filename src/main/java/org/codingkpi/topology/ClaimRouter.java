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
 * validates each claim record (an invalid one goes to the dead-letter topic from here), then
 * <ul>
 *   <li>by default (the claims topic partitioned by claim_id) re-keys the original bytes by
 *       encounter_id for the claims repartition topic;</li>
 *   <li>with {@code claims.partitioned.by=encounter_id}, where the router runs in the KPI task that
 *       reads the claims partition with the encounters partition of the same number, hands the claim,
 *       decoded, to the KPI processor, or, if a producer put it outside its encounter's partition,
 *       sends it to the dead-letter topic with the reason (processed here it would be attributed in
 *       the wrong task).</li>
 * </ul>
 * One path per deployment: the claims of a task reach it in the order of one topic partition (the
 * repartition topic's or the claims topic's), so the claims feed's clock, and with it whether a late
 * re-delivery is still a duplicate, does not depend on how two paths interleave. All events of a
 * claim share an encounter and a source partition, so they keep their order.
 */
final class ClaimRouter implements Processor<byte[], byte[], byte[], byte[]> {
    private final EventCodec codec;
    private final int encounterPartitions;
    private final boolean straight;
    private ProcessorContext<byte[], byte[]> context;
    private int partition;

    /** @param straight the claims topic is partitioned by encounter and read in the KPI tasks */
    ClaimRouter(EventCodec codec, int encounterPartitions, boolean straight) {
        this.codec = codec;
        this.encounterPartitions = encounterPartitions;
        this.straight = straight;
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
        if (!straight) {
            context.forward(record.withKey(key));
            return;
        }
        int home = partitionOf(key, encounterPartitions);
        if (home != partition) {
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, "a claim in partition " + partition + " of the claims topic whose "
                    + "encounter is in partition " + home + ": claims.partitioned.by=encounter_id needs every producer of the claims "
                    + "topic to place a claim in its encounter's partition (else set claim_id)");
        }
        DecodedClaim.remember(record.value(), event);
        context.forward(record);
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
