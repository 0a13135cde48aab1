package org.codingkpi.app;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;

import java.util.List;

/** Where each event type goes under a configuration. */
public final class Topics {
    private Topics() {
    }

    public static String of(EventType type, PipelineConfig config) {
        return switch (type) {
            case EncounterDischarged, EncounterCoded, CodingAudited -> config.encountersTopic();
            case AiSuggestionReviewed -> config.aiTopic();
            case ClaimDenied, ClaimPaid, ClaimSubmitted, ClaimReversed -> config.claimsTopic();
        };
    }

    public static List<String> inputs(PipelineConfig config) {
        return List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic());
    }

    /** Input, dead-letter and audit topics: what `demo` and `replay` create on their embedded broker. */
    public static List<String> all(PipelineConfig config) {
        return List.of(config.encountersTopic(), config.aiTopic(), config.claimsTopic(), config.deadLetterTopic(), config.auditTopic(),
                config.roiTopic());
    }
}
