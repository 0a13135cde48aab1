package org.codingkpi.compliance;

import org.codingkpi.state.ResidentStore;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.compliance.audit.AuditFinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The detector task: the {@link ComplianceEngine} on this task's stores, fed the observations of the
 * scopes it owns and the clock ticks of every upstream task; forwards each finding it opens or
 * closes to the audit topic, keyed by finding id.
 */
final class ComplianceDetector implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceDetector.class);

    private final ComplianceConfig config;
    private final int upstreamPartitions;
    private final AuditCodec codec;
    private final String auditTopic;
    private ProcessorContext<byte[], byte[]> context;
    private ComplianceEngine engine;
    private Table<Long> clock;

    ComplianceDetector(ComplianceConfig config, int upstreamPartitions, AuditCodec codec, String auditTopic) {
        this.config = config;
        this.upstreamPartitions = upstreamPartitions;
        this.codec = codec;
        this.auditTopic = auditTopic;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        clock = Table.of((org.apache.kafka.streams.state.KeyValueStore<String, Long>) context.getStateStore(ComplianceTopology.CLOCK_STORE));
        engine = new ComplianceEngine(config, upstreamPartitions,
                Table.of((ResidentStore<DayRecord>) context.getStateStore(ComplianceTopology.DAYS_STORE)),
                Table.of((ResidentStore<ScopeState>) context.getStateStore(ComplianceTopology.SCOPES_STORE)),
                Table.of((org.apache.kafka.streams.state.KeyValueStore<String, AuditFinding>) context.getStateStore(ComplianceTopology.FINDINGS_STORE)),
                clock);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Long n = clock.get(ComplianceEngine.CLOCK_RECORDS);
        clock.put(ComplianceEngine.CLOCK_RECORDS, n == null ? 1 : n + 1);
        Observation o = Observation.decode(record.value());
        List<AuditFinding> out = o.isTick() ? engine.tick(o.partition(), o.timeMs())
                : engine.observe(new String(record.key(), StandardCharsets.UTF_8), o);
        for (AuditFinding f : out) {
            // kind, status and scope only: the evidence (encounter ids) goes to the audit topic, never to a log
            LOG.info("Audit finding {} {} {}", f.getStatus(), f.getKind(), f.getFindingId());
            context.forward(record.withKey(f.getFindingId().getBytes(StandardCharsets.UTF_8)).withValue(codec.encode(auditTopic, f)));
        }
    }
}
