package org.codingkpi.topology;

import org.codingkpi.config.PipelineConfig;

import java.util.Map;

/** The settings the KPI processor reads, resolved once from {@link PipelineConfig}. */
public record TopologySettings(long dedupeRetentionMs, long attributionMaxWaitMs, long attributionRetentionMs,
                               long dnfcRetentionMs, Map<String, Integer> labelCaps) {

    public static TopologySettings from(PipelineConfig config) {
        int cap = config.labelCap();
        return new TopologySettings(
                config.dedupeRetention().toMillis(),
                config.attributionMaxWait().toMillis(),
                config.attributionRetention().toMillis(),
                config.dnfcRetention().toMillis(),
                Map.of("facility", cap, "specialty", cap, "payer", cap, "model_version", cap, "coder", config.coderLabelCap()));
    }
}
