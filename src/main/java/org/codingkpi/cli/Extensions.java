package org.codingkpi.cli;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.codingkpi.app.Replay;
import org.codingkpi.compliance.ComplianceConfig;
import org.codingkpi.compliance.ComplianceMetrics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.roi.RoiCalculator;
import org.codingkpi.roi.RoiConfig;
import org.codingkpi.roi.RoiMetrics;
import org.codingkpi.roi.RoiReport;
import org.codingkpi.roi.RoiResult;
import org.codingkpi.simulator.SimulatorConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The metric families and reports beyond KPIS.md §3 that the commands add: realized-vs-projected ROI
 * and the compliance gauges of KPIS.md §5.
 */
public final class Extensions {
    /** The ROI report {@code replay} writes into its output directory. */
    public static final String ROI_REPORT_FILE = "roi-report.html";

    private Extensions() {
    }

    /** ROI metrics from the same state read as the KPIs, and the HTML report after a replay. */
    static final class Roi implements Replay.Extension {
        private final RoiCalculator calculator;

        Roi(RoiConfig config) {
            this.calculator = new RoiCalculator(config);
        }

        RoiResult result(KpiTotals totals) {
            return totals.roiStreamTime() == null ? null : calculator.compute(totals.roiMonths(), totals.roiStreamTime());
        }

        @Override
        public Collection<MetricSnapshot> snapshots(KpiTotals totals) {
            RoiResult r = result(totals);
            return r == null ? List.of() : List.copyOf(RoiMetrics.gauges(r));
        }

        @Override
        public void writeReports(KpiTotals totals, Path outDir) throws IOException {
            RoiResult r = result(totals);
            if (r != null) {
                RoiReport.write(r, outDir.resolve(ROI_REPORT_FILE));
            }
        }
    }

    /**
     * The ROI extension exactly as {@code replay --roi FILE} wires it (metrics and DIR/roi-report.html);
     * the defaults of ROI.md without a file. A bad file is a {@link org.codingkpi.roi.RoiConfigException}.
     */
    public static Replay.Extension roi(Path roiFile) {
        return new Roi(roiFile == null ? RoiConfig.defaults() : RoiConfig.load(roiFile));
    }

    /** The E/M share and PSI and the acceptance CUSUM gauges, from the same state read as the KPIs. */
    static final class Compliance implements Replay.Extension {
        private final ComplianceMetrics metrics;

        Compliance(ComplianceConfig config) {
            this.metrics = new ComplianceMetrics(config);
        }

        @Override
        public Collection<MetricSnapshot> snapshots(KpiTotals totals) {
            return metrics.snapshots(totals);
        }
    }

    /** @param settings the {@code replay --set} settings (compliance thresholds among them) */
    static List<Replay.Extension> forReplay(Path roiFile, Map<String, String> settings) {
        return List.of(roi(roiFile),
                new Compliance(ComplianceConfig.from(settings)));
    }

    static List<Function<KpiTotals, Collection<MetricSnapshot>>> forRun(PipelineConfig config) {
        Roi roi = new Roi(config.roiFile() == null ? RoiConfig.defaults() : RoiConfig.load(config.roiFile()));
        return List.of(roi::snapshots, new Compliance(ComplianceConfig.from(config))::snapshots);
    }

    static List<Function<KpiTotals, Collection<MetricSnapshot>>> forDemo(SimulatorConfig simulation) {
        LocalDate goLive = LocalDate.ofInstant(simulation.goLive(), ZoneOffset.UTC);
        Roi roi = new Roi(RoiConfig.demo().withGoLive(goLive));
        return List.of(roi::snapshots, new Compliance(ComplianceConfig.defaults())::snapshots);
    }
}
