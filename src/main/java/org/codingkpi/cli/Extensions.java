package org.codingkpi.cli;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.compliance.ComplianceConfig;
import org.codingkpi.compliance.ComplianceMetrics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.kpi.Series;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.metrics.Page;
import org.codingkpi.roi.RoiCalculator;
import org.codingkpi.roi.RoiConfig;
import org.codingkpi.roi.RoiMetrics;
import org.codingkpi.roi.RoiPayerMix;
import org.codingkpi.roi.RoiReport;
import org.codingkpi.roi.RoiResult;
import org.codingkpi.simulator.SimulatorConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * ROI metrics from the same state read as the KPIs; the HTML report after a replay, and live at {@code /roi}
     * ({@code /roi.csv}: the monthly table) from a fresh read of that state.
     */
    static final class Roi implements Replay.Extension {
        static final String HTML = "text/html; charset=utf-8";
        static final String CSV = "text/csv; charset=utf-8";

        private final RoiCalculator calculator;

        Roi(RoiConfig config) {
            this.calculator = new RoiCalculator(config);
        }

        RoiResult result(KpiTotals totals) {
            return totals.roiStreamTime() == null ? null : calculator.compute(totals.roiMonths(), totals.roiStreamTime());
        }

        String html(KpiTotals totals) {
            RoiResult r = result(totals);
            return r == null ? RoiReport.renderNoEvents(calculator.config()) : RoiReport.render(r, payerMix(totals));
        }

        String csv(KpiTotals totals) {
            RoiResult r = result(totals);
            return r == null ? RoiReport.csvHeader() : RoiReport.csv(r);
        }

        List<Page> pages() {
            return List.of(new Page("/roi", HTML, this::html), new Page("/roi.csv", CSV, this::csv));
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
                RoiReport.write(r, payerMix(totals), outDir.resolve(ROI_REPORT_FILE));
            }
        }
    }

    /** The payers of the claims series (first adjudications, coding denials, paid dollars), for the payer-mix sensitivity. */
    static RoiPayerMix payerMix(KpiTotals totals) {
        int payer = Series.CLAIMS.labelNames().indexOf("payer");
        int deniedPayer = Series.DENIED.labelNames().indexOf("payer");
        int category = Series.DENIED.labelNames().indexOf("category");
        Map<String, double[]> byPayer = new TreeMap<>();   // {first adjudications, coding denials, paid dollars}
        totals.group(Series.CLAIMS).forEach((labels, v) -> {
            double[] p = byPayer.computeIfAbsent(labels.get(payer), k -> new double[3]);
            p[0] += v[0] + v[1];
            p[2] += v[3] / 100.0;
        });
        totals.group(Series.DENIED).forEach((labels, v) -> {
            if (DenialCategorizer.CODING.equals(labels.get(category))) {
                byPayer.computeIfAbsent(labels.get(deniedPayer), k -> new double[3])[1] += v[0];
            }
        });
        List<RoiPayerMix.Payer> payers = new ArrayList<>();
        byPayer.forEach((name, v) -> payers.add(new RoiPayerMix.Payer(name, v[0], v[1], v[2])));
        return new RoiPayerMix(payers);
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

    /** The ROI (metrics, /roi and /roi.csv) and compliance additions of {@code run}, as configured. */
    public static Pipeline.Extras forRun(PipelineConfig config) {
        Roi roi = new Roi(config.roiFile() == null ? RoiConfig.defaults() : RoiConfig.load(config.roiFile()));
        return new Pipeline.Extras(List.of(roi::snapshots, new Compliance(ComplianceConfig.from(config))::snapshots), roi.pages());
    }

    static Pipeline.Extras forDemo(SimulatorConfig simulation) {
        LocalDate goLive = LocalDate.ofInstant(simulation.goLive(), ZoneOffset.UTC);
        Roi roi = new Roi(RoiConfig.demo().withGoLive(goLive));
        return new Pipeline.Extras(List.of(roi::snapshots, new Compliance(ComplianceConfig.defaults())::snapshots), roi.pages());
    }
}
