package org.codingkpi.metrics;

import org.codingkpi.kpi.KpiEngine;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Read access to the KPI state the exporter publishes: the series of every local task's KPI and
 * rejects stores, and each KPI task's backlogs (DNFC, DNFB, A/R), already limited to their
 * retentions. Keys repeat across tasks; the exporter combines them.
 */
public interface KpiState {

    /** Visits the KPI store and the rejects store entries of every task this instance owns. */
    void forEachSeries(BiConsumer<String, double[]> visitor);

    /** The backlogs of every task this instance owns. */
    List<KpiEngine.Backlogs> backlogs();

    /**
     * The ROI month sums of every KPI task of the pipeline, as the ROI topic holds them (key
     * {@code partition|YYYY-MM} or {@code partition|~stream}); empty when not read (tests, reports).
     */
    default Map<String, double[]> globalRoi() {
        return Map.of();
    }

    /** An immutable state, for tests and reports. */
    static KpiState of(Map<String, double[]> series, List<KpiEngine.Backlogs> backlogs) {
        return new KpiState() {
            @Override
            public void forEachSeries(BiConsumer<String, double[]> visitor) {
                series.forEach(visitor);
            }

            @Override
            public List<KpiEngine.Backlogs> backlogs() {
                return backlogs;
            }
        };
    }
}
