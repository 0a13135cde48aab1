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
 * Claims arrive keyed by claim_id; attribution needs them where their encounter's events are. This
 * validates each claim record (an invalid one goes to the dead-letter topic from here) and re-keys
 * the original bytes by encounter_id for the one repartition of the topology. All events of a claim
 * share an encounter and a source partition, so their order survives the repartition.
 */
final class ClaimRouter implements Processor<byte[], byte[], byte[], byte[]> {
    private final EventCodec codec;
    private ProcessorContext<byte[], byte[]> context;

    ClaimRouter(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
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
        context.forward(record.withKey(encounterId.getBytes(StandardCharsets.UTF_8)));
    }
}
