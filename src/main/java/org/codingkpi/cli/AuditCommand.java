package org.codingkpi.cli;

import org.codingkpi.compliance.AuditCodec;
import org.codingkpi.compliance.AuditReport;
import org.codingkpi.compliance.AuditTrail;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Lists the compliance findings of the audit topic.",
        description = {"Lists the compliance findings on the audit topic, open ones first, with their window, counts, baseline,",
                "statistic and threshold, and the sample of encounter ids behind each (for chart review).",
                "Kinds: AI acceptance drift (specialty, model version), rubber-stamping coder, E/M level shift (facility, specialty)."})
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "The Kafka cluster of the pipeline.")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (topic.audit, security settings).")
    Path config;

    @Option(names = "--open", description = "Only the findings still open.")
    boolean openOnly;

    @Option(names = "--json", description = "JSON ({\"open\": [...], \"closed\": [...]}) instead of text.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, System.getenv()).with(PipelineConfig.BOOTSTRAP_SERVERS, bootstrap);
        Duration wait = PipelineConfig.parseDuration("--timeout", timeout);
        KafkaAccess.check(c, PipelineAcls.forAudit(c), Set.of(c.auditTopic()), wait);
        List<AuditFinding> findings = AuditReport.fold(AuditTrail.readTopic(c.clientProperties(), c.auditTopic(),
                new AuditCodec(new EventCodec(new BundledSchemaRegistry())), wait));
        if (openOnly) {
            findings = findings.stream().filter(f -> f.getStatus() == FindingStatus.OPEN).toList();
        }
        System.out.print(json ? AuditReport.json(findings) : AuditReport.text(findings));
        return 0;
    }
}
