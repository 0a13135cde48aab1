package org.codingkpi.roi;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class RoiMetricsTest {
    private final RoiResult result = new RoiCalculator(RoiFixtures.config())
            .compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME);

    private static String exposition(MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namesComeOutExactlyAsTheContractSays() throws IOException {
        String text = exposition(RoiMetrics.snapshots(result));
        assertThat(text)
                .contains("# TYPE coding_roi_benefit_dollars gauge\n")
                .contains("# TYPE coding_roi_program_cost_dollars gauge\n")
                .contains("# TYPE coding_roi_cumulative_net_dollars gauge\n")
                .contains("# TYPE coding_roi_ratio gauge\n")
                .contains("# HELP coding_roi_ratio Cumulative net benefit divided by cumulative program cost since go-live\n")
                .contains("coding_roi_benefit_dollars{basis=\"realized\",component=\"labor\",month=\"2026-03\",scenario=\"actual\"} 160.0")
                .contains("coding_roi_benefit_dollars{basis=\"projected\",component=\"denials\",month=\"2026-05\",scenario=\"expected\"} 25.0")
                .contains("coding_roi_program_cost_dollars{month=\"2026-03\"} 1200.0")
                .contains("coding_roi_program_cost_dollars{month=\"2026-04\"} 200.0")
                .contains("coding_roi_cumulative_net_dollars{basis=\"realized\",scenario=\"actual\"} -1580.0")
                .contains("coding_roi_ratio{basis=\"projected\",scenario=\"expected\"} -0.925");
        assertThat(text.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(0, l.indexOf('{'))).distinct())
                .containsExactlyInAnyOrder("coding_roi_benefit_dollars", "coding_roi_program_cost_dollars",
                        "coding_roi_cumulative_net_dollars", "coding_roi_ratio", "coding_roi_baseline", "coding_roi_assumption");
    }

    @Test
    void baselineIsPublishedConfiguredAlwaysAndMeasuredWhereItsWindowHasData() throws IOException {
        // the fixture's only month before go-live (February, inside the 3-month window) has an inpatient
        // coding, a coding denial and a payment: the outpatient and professional minutes are not measured
        String text = exposition(RoiMetrics.snapshots(result));
        assertThat(text)
                .contains("# TYPE coding_roi_baseline gauge\n")
                .contains("coding_roi_baseline{item=\"minutes_per_encounter\",setting=\"INPATIENT\",source=\"configured\"} 30.0")
                .contains("coding_roi_baseline{item=\"minutes_per_encounter\",setting=\"INPATIENT\",source=\"measured\"} 16666.666666666668")
                .contains("coding_roi_baseline{item=\"minutes_per_encounter\",setting=\"OUTPATIENT\",source=\"configured\"} 12.0")
                .doesNotContain("setting=\"OUTPATIENT\",source=\"measured\"")
                .doesNotContain("setting=\"PROFESSIONAL\",source=\"measured\"")
                .contains("coding_roi_baseline{item=\"coding_denial_rate\",setting=\"\",source=\"configured\"} 0.05")
                .contains("coding_roi_baseline{item=\"coding_denial_rate\",setting=\"\",source=\"measured\"} 1.0")
                .contains("coding_roi_baseline{item=\"days_to_payment\",setting=\"\",source=\"configured\"} 40.0")
                .contains("coding_roi_baseline{item=\"days_to_payment\",setting=\"\",source=\"measured\"} 1.0");
        assertThat(text.lines().filter(l -> l.startsWith("coding_roi_baseline{"))).hasSize(5 + 3);
    }

    @Test
    void assumptionsTheDashboardsNeedArePublished() throws IOException {
        String text = exposition(RoiMetrics.snapshots(result));
        assertThat(text)
                .contains("coding_roi_assumption{name=\"coder_hourly_cost\"} 60.0")
                .contains("coding_roi_assumption{name=\"rework_cost_per_denial\"} 100.0")
                .contains("coding_roi_assumption{name=\"cost_of_capital_annual\"} 0.0365");
    }

    @Test
    void everyMonthHasEverySeriesAndComponentWithTheContractsLabels() {
        List<GaugeSnapshot> gauges = RoiMetrics.gauges(result);
        GaugeSnapshot benefit = gauges.get(0);
        assertThat(benefit.getMetadata().getPrometheusName()).isEqualTo("coding_roi_benefit_dollars");
        assertThat(benefit.getDataPoints()).hasSize(4 * 4 * 3);   // 4 months x 4 series x 3 components
        assertThat(benefit.getDataPoints()).allSatisfy(p -> {
            assertThat(p.getLabels().size()).isEqualTo(4);
            assertThat(p.getLabels().get("component")).isIn("labor", "denials", "cash");
            assertThat(p.getLabels().get("basis") + "/" + p.getLabels().get("scenario"))
                    .isIn("realized/actual", "projected/conservative", "projected/expected", "projected/aggressive");
            assertThat(p.getLabels().get("month")).matches("\\d{4}-\\d{2}");
        });
        assertThat(gauges.get(2).getDataPoints()).extracting(p -> p.getLabels().get("scenario"))
                .containsExactlyInAnyOrder("actual", "conservative", "expected", "aggressive");
    }

    @Test
    void onlyTheLast36MonthsArePublishedButCumulativeCoversAll() {
        SortedMap<YearMonth, RoiMonthTotals> none = new TreeMap<>();
        RoiResult fortyMonths = new RoiCalculator(RoiFixtures.config())
                .compute(none, Instant.parse("2029-06-10T00:00:00Z"));   // 2026-03 .. 2029-06 = 40 months
        assertThat(fortyMonths.months()).hasSize(40);
        List<GaugeSnapshot> gauges = RoiMetrics.gauges(fortyMonths);
        assertThat(gauges.get(1).getDataPoints()).hasSize(36);
        assertThat(gauges.get(1).getDataPoints()).extracting(p -> p.getLabels().get("month"))
                .doesNotContain("2026-03", "2026-06").contains("2026-07", "2029-06");
        assertThat(gauges.get(2).getDataPoints().get(0).getValue()).isEqualTo(-(1000 + 40 * 200.0));
    }

    @Test
    void beforeGoLiveThereIsNoRatioAndNoMonth() {
        RoiResult early = new RoiCalculator(RoiFixtures.config())
                .compute(RoiFixtures.months(), Instant.parse("2026-01-01T00:00:00Z"));
        List<GaugeSnapshot> gauges = RoiMetrics.gauges(early);
        assertThat(gauges.get(0).getDataPoints()).isEmpty();
        assertThat(gauges.get(2).getDataPoints()).extracting(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
                .containsOnly(0.0);
        assertThat(gauges.get(3).getDataPoints()).isEmpty();
    }

    @Test
    void collectorServesTheLatestResultFromARegistry() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(RoiMetrics.collector(() -> result));
        assertThat(exposition(registry.scrape()))
                .contains("coding_roi_cumulative_net_dollars{basis=\"projected\",scenario=\"expected\"} -1665.0");
    }
}
