package org.codingkpi.it;

import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up access check on the default embedded broker (plaintext, no authorizer): nothing changes for it. */
@Tag("integration")
class KafkaAccessIT {
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPlaintextBrokerWithoutAuthorizerPassesEveryCommandsCheck() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig c = PipelineConfig.of(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
            kafka.createTopics(List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic()), 2);
            Set<String> created = Set.of(c.deadLetterTopic(), c.auditTopic());
            assertThatCode(() -> {
                KafkaAccess.check(c, PipelineAcls.forPipeline(c), created, Duration.ofSeconds(30));
                KafkaAccess.check(c, PipelineAcls.forImport(c), created, Duration.ofSeconds(30));
                KafkaAccess.check(c, PipelineAcls.forAudit(c), created, Duration.ofSeconds(30));
            }).doesNotThrowAnyException();
            // an input topic that does not exist is named
            PipelineConfig typo = c.with(PipelineConfig.TOPIC_CLAIMS, "claimz");
            assertThatThrownBy(() -> KafkaAccess.check(typo, PipelineAcls.forPipeline(typo), created, Duration.ofSeconds(30)))
                    .hasMessageContaining("topic claimz does not exist");
        }
    }
}
