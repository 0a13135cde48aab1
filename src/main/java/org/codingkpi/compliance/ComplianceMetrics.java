package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.codingkpi.catalog.MetricCatalog;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.KpiTotals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The gauges of shared/spec/KPIS.md §5, computed at scrape time from the daily counts of every task
 * this instance owns, added up first (the statistics are not additive; the counts are):
 * {@code coding_em_level_share}, {@code coding_em_level_psi}, {@code coding_ai_acceptance_cusum} (both directions);
 * and {@code coding_audit_findings_open} from the detector's findings ({@link #openFindings}).
 * Windows end with the last complete day of stream time, as the detector's evaluations do, so a
 * gauge and the findings agree.
 */
public final class ComplianceMetrics {
    private final ComplianceConfig config;

    public ComplianceMetrics(ComplianceConfig config) {
        this.config = config;
    }

    public List<MetricSnapshot> snapshots(KpiTotals totals) {
        Instant now = totals.streamTime();
        GaugeSnapshot.Builder share = GaugeSnapshot.builder().name("coding_em_level_share")
                .help(MetricCatalog.require("coding_em_level_share").help());
        GaugeSnapshot.Builder psi = GaugeSnapshot.builder().name("coding_em_level_psi")
                .help(MetricCatalog.require("coding_em_level_psi").help());
        GaugeSnapshot.Builder cusum = GaugeSnapshot.builder().name("coding_ai_acceptance_cusum")
                .help(MetricCatalog.require("coding_ai_acceptance_cusum").help());
        if (now != null) {
            long lastDay = Math.floorDiv(now.toEpochMilli(), ComplianceConfig.DAY_MS) - 1;
            emGauges(totals, lastDay, share, psi);
            cusumGauges(totals, lastDay, cusum);
        }
        return List.of(share.build(), psi.build(), cusum.build());
    }

    private void emGauges(KpiTotals totals, long lastDay, GaugeSnapshot.Builder share, GaugeSnapshot.Builder psi) {
        for (Map.Entry<List<String>, SortedMap<Long, double[]>> scope : byScope(totals.group(Series.EM_DAY)).entrySet()) {
            SortedMap<Long, double[]> days = scope.getValue();
            if (days.firstKey() > lastDay) {
                continue;
            }
            EmShift.Result r = EmShift.evaluate(days.headMap(lastDay + 1), days.firstKey(), lastDay, config);
            String facility = scope.getKey().get(0);
            String specialty = scope.getKey().get(1);
            double[] shares = Psi.shares(r.windowCounts());
            if (Psi.sum(r.windowCounts()) > 0) {
                for (int i = 0; i < EmLevels.COUNT; i++) {
                    if (r.windowCounts()[i] > 0 || r.baselineCounts()[i] > 0) {
                        share.dataPoint(point(shares[i], "facility", facility, "specialty", specialty, "level", EmLevels.CODES.get(i)));
                    }
                }
            }
            if (r.ready()) {
                psi.dataPoint(point(r.psi(), "facility", facility, "specialty", specialty));
            }
        }
    }

    private void cusumGauges(KpiTotals totals, long lastDay, GaugeSnapshot.Builder cusum) {
        for (Map.Entry<List<String>, SortedMap<Long, double[]>> scope : byScope(totals.group(Series.AI_ACCEPTANCE_DAY)).entrySet()) {
            SortedMap<Long, double[]> days = scope.getValue().headMap(lastDay + 1);
            if (days.isEmpty() || days.lastKey() < config.windowStart(lastDay)) {
                continue; // a model version no longer in use
            }
            AcceptanceCusum.Result r = AcceptanceCusum.run(days, config.cusumBaselineDays(), config.cusumMinDaily(), config.cusumK(), config.cusumMinSigma());
            if (r.ready()) {
                cusum.dataPoint(point(r.value(), "specialty", scope.getKey().get(0), "model_version", scope.getKey().get(1), "direction", "up"));
                cusum.dataPoint(point(r.down(), "specialty", scope.getKey().get(0), "model_version", scope.getKey().get(1), "direction", "down"));
            }
        }
    }

    /**
     * {@code coding_audit_findings_open{kind}}: the findings OPEN in the findings state of the detector
     * tasks active on this instance (every kind, 0 included). A finding lives in one detector partition,
     * and a store query reads active tasks only (never a standby), so the sum over instances counts each
     * open finding once: {@code sum by (kind) (coding_audit_findings_open)}. While a detector task is
     * being restored after a rebalance its findings are missing from every instance for that time;
     * when no detector store can be read now, no sample at all (the scrape keeps no stale zeros).
     */
    public static MetricSnapshot openFindings(Supplier<List<AuditFinding>> activeFindings) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("coding_audit_findings_open")
                .help(MetricCatalog.require("coding_audit_findings_open").help());
        List<AuditFinding> all;
        try {
            all = activeFindings.get();
        } catch (RuntimeException e) {
            return b.build(); // not queryable now (starting, rebalancing)
        }
        Map<FindingKind, Integer> open = new EnumMap<>(FindingKind.class);
        for (FindingKind k : FindingKind.values()) {
            open.put(k, 0);
        }
        for (AuditFinding f : all) {
            if (f.getStatus() == FindingStatus.OPEN) {
                open.merge(f.getKind(), 1, Integer::sum);
            }
        }
        open.forEach((kind, n) -> b.dataPoint(point(n, "kind", kind.name().toLowerCase(Locale.ROOT))));
        return b.build();
    }

    /** Daily entries (labels ..., day) grouped by their other labels, in label order. */
    private static Map<List<String>, SortedMap<Long, double[]>> byScope(Map<List<String>, double[]> group) {
        Map<List<String>, SortedMap<Long, double[]>> out = new TreeMap<>((a, b) -> String.join("\u001f", a).compareTo(String.join("\u001f", b)));
        group.forEach((labels, v) -> out.computeIfAbsent(labels.subList(0, labels.size() - 1), k -> new TreeMap<>())
                .put(LocalDate.parse(labels.get(labels.size() - 1)).toEpochDay(), v));
        return out;
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(double value, String... labels) {
        String[] names = new String[labels.length / 2];
        String[] values = new String[labels.length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = labels[2 * i];
            values[i] = labels[2 * i + 1];
        }
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of(names, values)).value(value).build();
    }
}
