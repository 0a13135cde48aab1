package org.codingkpi.roi;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The ROI metrics of shared/spec/ROI.md as Prometheus gauge snapshots, built from a {@link RoiResult}:
 * {@code coding_roi_benefit_dollars{basis,scenario,component,month}},
 * {@code coding_roi_program_cost_dollars{month}}, {@code coding_roi_cumulative_net_dollars{basis,scenario}},
 * {@code coding_roi_ratio{basis,scenario}}, and (version 2) {@code coding_roi_baseline{item,setting,source}} and
 * {@code coding_roi_assumption{name}}, the money assumptions dashboards need (never copied into a dashboard).
 *
 * <p>Only the last {@value #MAX_PUBLISHED_MONTHS} months get month-labelled series; the cumulative figures
 * still cover every month since go-live. The ratio is left out while no program cost has been booked (it is
 * undefined then). Before the go-live month, the cumulative net is 0 and there are no month series.
 */
public final class RoiMetrics {
    public static final int MAX_PUBLISHED_MONTHS = 36;

    public static final String BENEFIT = "coding_roi_benefit_dollars";
    public static final String PROGRAM_COST = "coding_roi_program_cost_dollars";
    public static final String CUMULATIVE_NET = "coding_roi_cumulative_net_dollars";
    public static final String RATIO = "coding_roi_ratio";
    public static final String BASELINE = "coding_roi_baseline";
    public static final String ASSUMPTION = "coding_roi_assumption";

    private RoiMetrics() {
    }

    /** The gauges, in the order benefit, program cost, cumulative net, ratio, baseline, assumption. */
    public static List<GaugeSnapshot> gauges(RoiResult result) {
        List<RoiMonth> all = result.months();
        List<RoiMonth> published = all.subList(Math.max(0, all.size() - MAX_PUBLISHED_MONTHS), all.size());

        GaugeSnapshot.Builder benefit = GaugeSnapshot.builder().name(BENEFIT)
                .help("Benefit of the month in dollars by basis (realized|projected), scenario "
                        + "(actual|conservative|expected|aggressive) and component (labor|denials|cash); month k >= 0 since go-live");
        GaugeSnapshot.Builder cost = GaugeSnapshot.builder().name(PROGRAM_COST)
                .help("Program cost of the month in dollars: monthly, plus one-time in the go-live month");
        for (RoiMonth m : published) {
            String month = m.month().toString();
            for (RoiSeries s : RoiSeries.values()) {
                for (RoiComponent c : RoiComponent.values()) {
                    benefit.dataPoint(point(m.benefit(s, c),
                            "basis", s.basis(), "scenario", s.scenario(), "component", c.label(), "month", month));
                }
            }
            cost.dataPoint(point(m.programCost(), "month", month));
        }

        GaugeSnapshot.Builder net = GaugeSnapshot.builder().name(CUMULATIVE_NET)
                .help("Sum over months from go-live to the month of stream time of benefits minus program cost, in dollars");
        GaugeSnapshot.Builder ratio = GaugeSnapshot.builder().name(RATIO)
                .help("Cumulative net benefit divided by cumulative program cost since go-live");
        for (RoiSeries s : RoiSeries.values()) {
            net.dataPoint(point(result.cumulativeNet(s), "basis", s.basis(), "scenario", s.scenario()));
            double r = result.ratio(s);
            if (!Double.isNaN(r)) {
                ratio.dataPoint(point(r, "basis", s.basis(), "scenario", s.scenario()));
            }
        }
        return List.of(benefit.build(), cost.build(), net.build(), ratio.build(), baseline(result.baseline()),
                assumptions(result.configured()));
    }

    /** Configured values always; measured ones where the window before go-live has data. */
    static GaugeSnapshot baseline(RoiBaseline b) {
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(BASELINE)
                .help("Baseline of the ROI formulas by item (minutes_per_encounter by setting, coding_denial_rate, "
                        + "days_to_payment) and source: configured (the ROI file) or measured (the months before go-live; "
                        + "absent without data)");
        for (RoiBaseline.Entry e : b.entries()) {
            g.dataPoint(point(e.configured(), "item", e.item().label(), "setting", e.settingLabel(), "source", "configured"));
            if (e.isMeasured()) {
                g.dataPoint(point(e.measured(), "item", e.item().label(), "setting", e.settingLabel(), "source", "measured"));
            }
        }
        return g.build();
    }

    /** The assumptions of the ROI file that dashboards compute with. */
    static GaugeSnapshot assumptions(RoiConfig c) {
        return GaugeSnapshot.builder().name(ASSUMPTION)
                .help("Assumptions of the ROI configuration by name: coder_hourly_cost and rework_cost_per_denial (dollars), "
                        + "cost_of_capital_annual (fraction)")
                .dataPoint(point(c.coderHourlyCost(), "name", "coder_hourly_cost"))
                .dataPoint(point(c.reworkCostPerDenial(), "name", "rework_cost_per_denial"))
                .dataPoint(point(c.costOfCapitalAnnual(), "name", "cost_of_capital_annual"))
                .build();
    }

    public static MetricSnapshots snapshots(RoiResult result) {
        return new MetricSnapshots(List.copyOf(gauges(result)));
    }

    /**
     * A collector to register with a Prometheus registry (e.g. Micrometer's
     * {@code PrometheusMeterRegistry.getPrometheusRegistry().register(...)}); it asks {@code latest} for the
     * current result at every scrape, so {@code latest} should be cheap (a cached result).
     */
    public static MultiCollector collector(Supplier<RoiResult> latest) {
        Objects.requireNonNull(latest, "latest");
        return new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                return snapshots(latest.get());
            }

            @Override
            public List<String> getPrometheusNames() {
                return List.of(BENEFIT, PROGRAM_COST, CUMULATIVE_NET, RATIO, BASELINE, ASSUMPTION);
            }
        };
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}
