package org.codingkpi.topology;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.KpiEngine;
import org.codingkpi.kpi.OversightRule;

import java.util.Map;

/** The settings the KPI rules read, resolved once from {@link PipelineConfig}. */
public record TopologySettings(KpiEngine.Settings engine) {
    private static final long HOUR_MS = 3_600_000L;
    /** KPIS.md §2: CARC label values beyond 100 are published as other. */
    private static final int CARC_CAP = 100;

    public static TopologySettings from(PipelineConfig config) {
        int cap = config.labelCap();
        long dedupe = config.dedupeRetention().toMillis();
        long attribution = config.attributionRetention().toMillis();
        long dnfc = config.dnfcRetention().toMillis();
        // records whose every part expired are reclaimed by a scan every eighth of the shortest retention
        long purgeInterval = Math.max(HOUR_MS, Math.min(dedupe, Math.min(attribution, dnfc)) / 8);
        return new TopologySettings(new KpiEngine.Settings(dedupe, config.attributionMaxWait().toMillis(), attribution, dnfc,
                config.dnfbRetention().toMillis(), config.arRetention().toMillis(), purgeInterval,
                Map.of("facility", cap, "specialty", cap, "payer", cap, "model_version", cap, "coder", config.coderLabelCap(),
                        "carc", CARC_CAP),
                config.oversightRulesFile() == null ? OversightRule.DEFAULTS : OversightRule.load(config.oversightRulesFile())));
    }
}
