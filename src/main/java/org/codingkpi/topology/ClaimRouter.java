package org.codingkpi.topology;

import org.apache.avro.specific.SpecificRecord;
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
final class ClaimRouter implements Processor<byte[], byte[], byte[], Object> {
    /** A claim handed to the KPI processor in the same task: its original bytes, decoded and validated. */
    record Routed(byte[] raw, SpecificRecord event) {
    }

    private final EventCodec codec;
    private final int encounterPartitions;
    private final boolean straight;
    private ProcessorContext<byte[], Object> context;
    private int partition;

    /** @param straight the claims topic is partitioned by encounter and read in the KPI tasks */
    ClaimRouter(EventCodec codec, int encounterPartitions, boolean straight) {
        this.codec = codec;
        this.encounterPartitions = encounterPartitions;
        this.straight = straight;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
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
        EventValidator.validate(event, context.currentSystemTimeMs());
        byte[] key = EventType.encounterId(event).getBytes(StandardCharsets.UTF_8);
        if (!straight) {
            context.forward(record.withKey(key).withValue((Object) record.value()));
            return;
        }
        int home = CodingKpiTopology.encounterPartition(key, encounterPartitions);
        if (home != partition) {
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, "a claim in partition " + partition + " of the claims topic whose "
                    + "encounter is in partition " + home + ": claims.partitioned.by=encounter_id needs every producer of the claims "
                    + "topic to place a claim in its encounter's partition (else set claim_id)");
        }
        context.forward(record.withValue((Object) new Routed(record.value(), event)));
    }
}
