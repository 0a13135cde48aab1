package org.codingkpi.security;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.codingkpi.config.PipelineConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Kafka ACLs each command's principal needs, and nothing more: the single source of the list in
 * docs/operations.md (a test checks the document against {@link #markdown}) and of what the security
 * integration test grants. Kafka implies DESCRIBE from READ and WRITE, so DESCRIBE is never listed.
 */
public final class PipelineAcls {
    private PipelineAcls() {
    }

    /** One ALLOW entry: an operation on a resource (a name, or a name prefix). */
    public record Grant(ResourceType type, String name, PatternType pattern, AclOperation operation, String why) {
        public AclBinding binding(String principal) {
            return new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
        }

        /** "READ on topic encounters", "CREATE on topics prefixed coding-kpi-". */
        public String describe() {
            String kind = type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            return operation.name() + " on " + (pattern == PatternType.PREFIXED ? kind + "s prefixed " + name : kind + " " + name);
        }

        /** The {@code kafka-acls.sh} options of this entry. */
        public String kafkaAclsOptions() {
            String resource = switch (type) {
                case TOPIC -> "--topic " + name;
                case GROUP -> "--group " + name;
                case TRANSACTIONAL_ID -> "--transactional-id " + name;
                case CLUSTER -> "--cluster";
                default -> throw new IllegalStateException("unexpected resource type " + type);
            };
            return "--operation " + operationOption(operation) + " " + resource
                    + (pattern == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
        }
    }

    /**
     * {@code run}: Kafka Streams with exactly-once, the topic check at start-up, the dead-letter and audit
     * topics. The dead-letter and audit topics are created beforehand (or by the pipeline, with CREATE, which
     * the prefixed entry gives when their names start with {@code <application.id>-}, as the defaults do).
     */
    public static List<Grant> forPipeline(PipelineConfig c) {
        String app = c.get(PipelineConfig.APPLICATION_ID);
        String prefix = app + "-";
        List<Grant> g = new ArrayList<>();
        for (String t : List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic())) {
            g.add(new Grant(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ, "input"));
        }
        boolean dlqIn = c.deadLetterTopic().startsWith(prefix);
        boolean auditIn = c.auditTopic().startsWith(prefix);
        g.add(new Grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.READ,
                "internal topics (repartition, changelogs)" + (dlqIn ? "; the dead-letter topic (coding_events_rejected_total)" : "")));
        g.add(new Grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.WRITE,
                "internal topics" + (dlqIn ? "; dead-letter records" : "") + (auditIn ? "; audit findings" : "")));
        g.add(new Grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.CREATE,
                "internal topics, created by Kafka Streams" + (dlqIn || auditIn ? "; the dead-letter and audit topics when absent" : "")));
        // Kafka Streams deletes consumed repartition records; without DELETE it only logs, and the repartition
        // topic (retention -1) grows without bound, so the start-up check requires it
        g.add(new Grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.DELETE,
                "purge of consumed repartition records (delete records)"));
        if (!c.deadLetterTopic().startsWith(prefix)) {
            g.add(new Grant(ResourceType.TOPIC, c.deadLetterTopic(), PatternType.LITERAL, AclOperation.WRITE, "dead-letter records"));
            g.add(new Grant(ResourceType.TOPIC, c.deadLetterTopic(), PatternType.LITERAL, AclOperation.READ, "coding_events_rejected_total"));
        }
        if (!c.auditTopic().startsWith(prefix)) {
            g.add(new Grant(ResourceType.TOPIC, c.auditTopic(), PatternType.LITERAL, AclOperation.WRITE, "audit findings"));
        }
        g.add(new Grant(ResourceType.GROUP, app, PatternType.LITERAL, AclOperation.READ, "the consumer group"));
        g.add(new Grant(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE, "exactly-once transactions"));
        return List.copyOf(g);
    }

    /**
     * {@code import} and {@code simulate}: the input topics, and the dead-letter topic for lines that are not events.
     * (The idempotent producer needs no cluster ACL: WRITE on a topic implies it, KIP-679.)
     */
    public static List<Grant> forImport(PipelineConfig c) {
        List<Grant> g = new ArrayList<>();
        for (String t : List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic())) {
            g.add(new Grant(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE, "events"));
        }
        g.add(new Grant(ResourceType.TOPIC, c.deadLetterTopic(), PatternType.LITERAL, AclOperation.WRITE, "lines that are not events (import)"));
        return List.copyOf(g);
    }

    /** {@code audit}: reads the audit topic without a consumer group. */
    public static List<Grant> forAudit(PipelineConfig c) {
        return List.of(new Grant(ResourceType.TOPIC, c.auditTopic(), PatternType.LITERAL, AclOperation.READ, "audit findings"));
    }

    /** The Markdown table of docs/operations.md. */
    public static String markdown(PipelineConfig c) {
        StringBuilder s = new StringBuilder("| command | operation | resource | pattern | why |\n|---|---|---|---|---|\n");
        table(s, "run", forPipeline(c));
        table(s, "import, simulate", forImport(c));
        table(s, "audit", forAudit(c));
        return s.toString();
    }

    private static void table(StringBuilder s, String command, List<Grant> grants) {
        for (Grant g : grants) {
            s.append("| ").append(command).append(" | ").append(g.operation()).append(" | ")
                    .append(g.type().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" `").append(g.name()).append("` | ")
                    .append(g.pattern().name().toLowerCase(Locale.ROOT)).append(" | ").append(g.why()).append(" |\n");
        }
    }

    private static String operationOption(AclOperation op) {
        return switch (op) {
            case DESCRIBE_CONFIGS -> "DescribeConfigs";
            case IDEMPOTENT_WRITE -> "IdempotentWrite";
            default -> op.name().charAt(0) + op.name().substring(1).toLowerCase(Locale.ROOT);
        };
    }
}
