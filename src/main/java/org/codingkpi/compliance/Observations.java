package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSystem;
import org.codingkpi.events.Decision;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EventType;

import org.codingkpi.kpi.OversightRule;

import java.util.List;
import java.util.function.BiConsumer;

/** What each accepted event tells the detector: the scoped observations it makes. */
final class Observations {
    private Observations() {
    }

    /**
     * An AI decision counts for its specialty and model version and for its coder; every E/M code of
     * a revision-1 coding for its facility and specialty; an AUTONOMOUS revision-1 coding is a
     * {@link Observation#BREACH} for every mandatory-review rule it matches (KPIS.md §5, version 2; as
     * {@code coding_oversight_breaches_total} counts it). Other events say nothing here.
     */
    static void of(SpecificRecord event, List<OversightRule> rules, BiConsumer<String, Observation> out) {
        long day = Math.floorDiv(EventType.occurredAtMs(event), ComplianceConfig.DAY_MS);
        if (event instanceof AiSuggestionReviewed a) {
            Observation o = Observation.decision(day, a.getDecision() == Decision.ACCEPTED, a.getReviewSeconds(), a.getEncounterId());
            out.accept(Scope.ACCEPTANCE.key(a.getSpecialty(), a.getModelVersion()), o);
            out.accept(Scope.CODER.key(a.getCoderId()), o);
        } else if (event instanceof EncounterCoded c && c.getRevision() == 1) {
            if (c.getCodingMode() == CodingMode.AUTONOMOUS) {
                long at = EventType.occurredAtMs(c);
                for (OversightRule rule : rules) {
                    if (rule.matches(c.getSetting().name(), c.getSpecialty(), c.getChargeCents())) {
                        out.accept(Scope.OVERSIGHT.key(rule.name(), c.getFacilityId(), c.getEncounterId()),
                                Observation.breach(at, c.getEncounterId(), new Observation.Breach(rule.name(), c.getFacilityId(),
                                        c.getSpecialty(), c.getModelVersion(), c.getSetting().name(), c.getChargeCents(),
                                        rule.minChargeCents())));
                    }
                }
            }
            String scope = null;
            for (CodeEntry code : c.getCodes()) {
                int level = code.getSystem() == CodeSystem.CPT ? EmLevels.slot(code.getCode()) : -1;
                if (level >= 0) {
                    if (scope == null) {
                        scope = Scope.EM.key(c.getFacilityId(), c.getSpecialty());
                    }
                    out.accept(scope, Observation.emCode(day, level, c.getEncounterId()));
                }
            }
        }
    }
}
