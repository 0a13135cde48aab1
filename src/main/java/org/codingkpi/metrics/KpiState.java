package org.codingkpi.metrics;

import org.codingkpi.kpi.DnfcEntry;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Read access to the KPI state the exporter publishes: the entries of every local task's KPI,
 * rejects and DNFC stores. Keys repeat across tasks; the exporter combines them.
 */
public interface KpiState {

    /** Visits the KPI store and the rejects store entries of every task this instance owns. */
    void forEachSeries(BiConsumer<String, double[]> visitor);

    /** Visits the DNFC entries of every task this instance owns. */
    void forEachDnfc(BiConsumer<String, DnfcEntry> visitor);

    /** An immutable state, for tests and reports. */
    static KpiState of(Map<String, double[]> series, Map<String, DnfcEntry> dnfc) {
        return new KpiState() {
            @Override
            public void forEachSeries(BiConsumer<String, double[]> visitor) {
                series.forEach(visitor);
            }

            @Override
            public void forEachDnfc(BiConsumer<String, DnfcEntry> visitor) {
                dnfc.forEach(visitor);
            }
        };
    }
}
