package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.app.Replay;
import org.codingkpi.cli.Extensions;
import org.codingkpi.cli.Main;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EventType;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import picocli.CommandLine;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue #3: a messy simulated history (duplicates, late and invalid lines, and some revision-1 codings lost
 * upstream so that their claims are attributed unknown) replayed with a ROI file through the real wiring
 * ({@code replay --roi}):
 * every coding_roi_* series equals what the test computes again from the same events with the formulas of
 * shared/spec/ROI.md written out a second time (not with RoiCalculator), nothing else is published under
 * coding_roi_*, and DIR/roi-report.html shows the same numbers as metrics.prom. A bad ROI file fails the
 * CLI with a message naming the key and no stack trace.
 */
@Tag("integration")
class RoiReplayIT {
    private static final int PARTITIONS = 2;
    private static final long MAX_WAIT_MS = Duration.ofDays(30).toMillis();

    // The history: September is before the ROI go-live month; the simulator's AI starts a week before the ROI
    // go_live date, so the go-live month has AI work before go_live (it counts: the whole month is k = 0).
    private static final Instant SIM_START = Instant.parse("2025-09-22T00:00:00Z");
    private static final Instant SIM_AI_LIVE = Instant.parse("2025-10-08T00:00:00Z");
    private static final int SIM_DAYS = 100;   // last events on 2025-12-30: months 2025-10 .. 2025-12 have k >= 0

    // The ROI assumptions, written once as YAML (below) and once here for the independent computation.
    // No value is a default of ROI.md, so a key that the loader silently dropped would show.
    private static final LocalDate GO_LIVE = LocalDate.of(2025, 10, 15);
    private static final double HOURLY = 51.25;
    private static final double REWORK = 97.50;
    private static final double CAPITAL = 0.08;
    private static final Map<String, Double> BASE_MINUTES = Map.of("INPATIENT", 31.0, "OUTPATIENT", 9.5, "PROFESSIONAL", 6.25);
    private static final double BASE_DENIAL_RATE = 0.062;
    private static final double BASE_DAYS = 38.5;
    private static final double ONE_TIME = 180_000.00;
    private static final double MONTHLY = 22_500.00;
    /** name -> {productivity_gain, denial_reduction, days_reduction, ramp_months}. */
    private static final Map<String, double[]> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("conservative", new double[] {0.12, 0.15, 1.5, 9});
        SCENARIOS.put("expected", new double[] {0.30, 0.35, 4.0, 2});   // ramp 1/2, then 1
        SCENARIOS.put("aggressive", new double[] {0.45, 0.50, 6.5, 1});
    }

    private static final String ROI_YAML = """
            go_live: 2025-10-15
            coder_hourly_cost: 51.25
            rework_cost_per_denial: 97.50
            cost_of_capital_annual: 0.08
            baseline:
              minutes_per_encounter: { INPATIENT: 31.0, OUTPATIENT: 9.5, PROFESSIONAL: 6.25 }
              coding_denial_rate: 0.062
              days_to_payment: 38.5
            program_costs:
              one_time: 180000.00
              monthly: 22500.00
            scenarios:
              conservative: { productivity_gain: 0.12, denial_reduction: 0.15, days_reduction: 1.5, ramp_months: 9 }
              expected:     { productivity_gain: 0.30, denial_reduction: 0.35, days_reduction: 4.0, ramp_months: 2 }
              aggressive:   { productivity_gain: 0.45, denial_reduction: 0.50, days_reduction: 6.5, ramp_months: 1 }
            """;

    private static final String BENEFIT = "coding_roi_benefit_dollars";
    private static final String COST = "coding_roi_program_cost_dollars";
    private static final String NET = "coding_roi_cumulative_net_dollars";
    private static final String RATIO = "coding_roi_ratio";
    private static final String BASELINE = "coding_roi_baseline";
    private static final String ASSUMPTION = "coding_roi_assumption";
    private static final String[] COMPONENTS = {"labor", "denials", "cash"};
    /** basis/scenario pairs in ROI.md's order. */
    private static final String[][] SERIES = {
            {"realized", "actual"}, {"projected", "conservative"}, {"projected", "expected"}, {"projected", "aggressive"}};

    @TempDir
    Path dir;

    private final XPath xpath = XPathFactory.newInstance().newXPath();

    @Test
    void roiSeriesAndReportEqualASecondReadingOfTheContract() throws Exception {
        SimulatorConfig sim = SimulatorConfig.builder().seed(11).start(SIM_START).days(SIM_DAYS).encountersPerDay(110)
                .goLive(SIM_AI_LIVE).pilotDays(10).expansionDays(20).messy().build();
        History h = history(sim);
        Published p = replay(h, ROI_YAML);

        Expected expected = expected(p.reference, false);
        // only 9 days before the go-live month and no claim adjudicated yet: minutes measured, the rest absent
        assertThat(expected.measured).as("measured baseline items").containsOnlyKeys(
                "minutes_per_encounter/INPATIENT", "minutes_per_encounter/OUTPATIENT", "minutes_per_encounter/PROFESSIONAL");
        check(p, expected);
    }

    /**
     * ROI.md version 2: {@code baseline.use: measured} on a history with three full months before go-live. The test
     * measures the baseline itself from the accepted events; every coding_roi_* series (coding_roi_baseline among
     * them) must follow from it.
     */
    @Test
    void withTheMeasuredBaselineEverySeriesFollowsFromTheMonthsBeforeGoLive() throws Exception {
        SimulatorConfig sim = SimulatorConfig.builder().seed(23).start(Instant.parse("2025-07-01T00:00:00Z")).days(165)
                .encountersPerDay(70).goLive(SIM_AI_LIVE).pilotDays(10).expansionDays(20).messy().build();
        History h = history(sim);
        Published p = replay(h, ROI_YAML.replace("baseline:\n", "baseline:\n  use: measured\n  measure_months: 3\n"));

        Expected expected = expected(p.reference, true);
        assertThat(expected.measured).as("every baseline item measured").hasSize(5);
        // a measured item differs from the configured one, so the measured baseline is visibly in use
        assertThat(expected.measured.get("coding_denial_rate/")).isNotCloseTo(BASE_DENIAL_RATE, within(1e-6));
        check(p, expected);
        String report = Files.readString(p.out().resolve("roi-report.html"));
        assertThat(report).contains("<table id=\"baseline\">").contains("baseline.use: measured");
    }

    private record History(Path file, List<SpecificRecord> valid) {
    }

    private record Published(Map<String, Double> series, ReferenceModel reference, Path out) {
    }

    private History history(SimulatorConfig sim) throws Exception {
        Path file = dir.resolve("history.jsonl");
        List<SpecificRecord> valid = new ArrayList<>();
        int invalidLines = 0;
        int lostCodings = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            Simulator simulator = new Simulator(sim);
            while (simulator.hasNext()) {
                SimEvent e = simulator.next();
                if (e.event() instanceof EncounterCoded c && c.getRevision() == 1 && lost(c.getEncounterId())) {
                    lostCodings++;
                    continue;   // lost upstream: the encounter's claims are attributed unknown
                }
                w.write(e.toJsonLine());
                w.newLine();
                if (e.event() != null) {
                    valid.add(e.event());
                } else {
                    invalidLines++;
                }
            }
        }
        assertThat(invalidLines).as("a messy history").isPositive();
        assertThat(lostCodings).as("revision-1 codings lost upstream").isPositive();
        return new History(file, valid);
    }

    private Published replay(History h, String roiYaml) throws Exception {
        Path roi = dir.resolve("roi.yaml");
        Files.writeString(roi, roiYaml);
        Path out = dir.resolve("out");

        // the reference remembers every event id; so does the pipeline here. With the default 90-day dedupe.retention a
        // late duplicate ClaimPaid arriving ~90 days after its original on the claims feed's clock was accepted as new in
        // some runs and not in others (that clock is the largest occurred_at a task has seen through the claims
        // repartition topic, and the interleaving of the two source partitions there varies from run to run)
        new Replay(PARTITIONS, Map.of(PipelineConfig.DEDUPE_RETENTION, "400d"), System.err).run(h.file(), out, List.of(Extensions.roi(roi)));

        Map<String, Double> published = new TreeMap<>();
        Exposition.samples(Files.readString(out.resolve("metrics.prom"))).forEach((k, v) -> {
            if (k.startsWith("coding_roi_")) {
                published.put(k, v);
            }
        });
        ReferenceModel reference = new ReferenceModel(PARTITIONS, MAX_WAIT_MS);
        reference.run(h.valid());
        return new Published(published, reference, out);
    }

    private void check(Published p, Expected expected) throws Exception {
        // the history exercises what the formulas distinguish
        YearMonth goLiveMonth = YearMonth.from(GO_LIVE);
        assertThat(expected.months).as("months k = 0 .. stream month").hasSizeGreaterThanOrEqualTo(3);
        assertThat(expected.eventsBeforeGoLiveMonth).as("events before the go-live month (they produce nothing)").isPositive();
        assertThat(expected.aiCodingsBeforeGoLiveDate).as("AI codings in the go-live month before go_live (k = 0)").isPositive();
        assertThat(expected.recodingsInAiModes).as("AI-mode recodings (labor counts every revision)").isPositive();
        assertThat(expected.aiCodingDenials).as("coding denials of AI-attributed first adjudications").isPositive();
        assertThat(expected.unknownClaims).as("claims attributed unknown (not in AI modes)").isPositive();

        // every published coding_roi_* series is one the contract defines, with the contract's value
        Map<String, Double> published = p.series();
        assertThat(published.keySet()).as("coding_roi_* series published").isEqualTo(expected.values.keySet());
        expected.values.forEach((key, value) -> {
            double actual = published.get(key);
            if (key.startsWith(RATIO + "{") || key.startsWith(BASELINE + "{")) {
                assertThat(actual).as(key).isCloseTo(value, within(1e-9 * Math.max(1e-9, Math.abs(value))));
            } else {
                assertThat(actual).as(key).isCloseTo(value, within(0.01));
            }
        });

        checkReport(p.out().resolve("roi-report.html"), published, expected.months, goLiveMonth);
    }

    /** The coding_roi_* samples ROI.md defines for the reference model's accepted events, keyed like the exposition. */
    private static Expected expected(ReferenceModel ref, boolean useMeasured) {
        YearMonth goLiveMonth = YearMonth.from(GO_LIVE);
        YearMonth streamMonth = month(ref.streamTimeMs);
        Expected x = new Expected();
        measureBaseline(ref, x);
        Map<String, Double> baseMinutes = new TreeMap<>(BASE_MINUTES);
        double baseDenialRate = BASE_DENIAL_RATE;
        double baseDays = BASE_DAYS;
        if (useMeasured) {
            x.measured.forEach((item, v) -> {
                if (item.startsWith("minutes_per_encounter/")) {
                    baseMinutes.put(item.substring(item.indexOf('/') + 1), v);
                }
            });
            baseDenialRate = x.measured.getOrDefault("coding_denial_rate/", BASE_DENIAL_RATE);
            baseDays = x.measured.getOrDefault("days_to_payment/", BASE_DAYS);
        }
        Map<YearMonth, MonthSums> sums = new TreeMap<>();
        Set<String> adjudicated = new HashSet<>();
        long goLiveMs = GO_LIVE.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        for (SpecificRecord e : ref.accepted) {
            long t = EventType.occurredAtMs(e);
            YearMonth m = month(t);
            // first adjudication is per claim over the whole history, also before go-live
            boolean first = (e instanceof ClaimDenied || e instanceof ClaimPaid) && adjudicated.add(EventType.key(e));
            if (m.isBefore(goLiveMonth)) {
                x.eventsBeforeGoLiveMonth++;
                continue;
            }
            MonthSums s = sums.computeIfAbsent(m, k -> new MonthSums());
            if (e instanceof EncounterCoded c) {
                String mode = c.getCodingMode().name();
                boolean ai = mode.equals("AI_ASSISTED") || mode.equals("AUTONOMOUS");
                double base = baseMinutes.get(c.getSetting().name()) * 60.0;
                if (c.getRevision() == 1) {
                    s.baseSecondsAll += base;
                    if (ai) {
                        s.baseSecondsAi += base;
                        if (t < goLiveMs) {
                            x.aiCodingsBeforeGoLiveDate++;
                        }
                    }
                } else if (ai) {
                    x.recodingsInAiModes++;
                }
                if (ai) {
                    s.codingSecondsAi += c.getCodingSeconds();
                }
            } else if (e instanceof ClaimDenied d) {
                ReferenceModel.Attribution a = ref.claimAttribution.get(d.getClaimId());
                if (a.mode().equals("unknown")) {
                    x.unknownClaims++;
                }
                if (first) {
                    s.firstAdjudications++;
                    if (a.aiMode()) {
                        s.firstAdjudicationsAi++;
                        if (ReferenceModel.category(d.getAdjustments(), d.getRemarkCodes()).equals("coding")) {
                            s.codingDenialsAi++;
                            x.aiCodingDenials++;
                        }
                    }
                }
            } else if (e instanceof ClaimPaid p) {
                ReferenceModel.Attribution a = ref.claimAttribution.get(p.getClaimId());
                if (a.mode().equals("unknown")) {
                    x.unknownClaims++;
                }
                if (first) {
                    s.firstAdjudications++;
                    if (a.aiMode()) {
                        s.firstAdjudicationsAi++;
                    }
                }
                double paid = p.getPaidCents() / 100.0;
                s.paidAll += paid;
                if (a.aiMode()) {
                    double days = (t - p.getSubmittedAt().toEpochMilli()) / 1000.0 / 86400.0;
                    s.cashDollarDaysAi += (baseDays - days) * paid;
                }
            }
        }

        double[] cumulativeNet = new double[SERIES.length];
        double cumulativeCost = 0;
        int k = 0;
        for (YearMonth m = goLiveMonth; !m.isAfter(streamMonth); m = m.plusMonths(1), k++) {
            x.months.add(m);
            MonthSums s = sums.getOrDefault(m, new MonthSums());
            double cost = MONTHLY + (k == 0 ? ONE_TIME : 0);
            cumulativeCost += cost;
            Map<String, Double> monthValues = new LinkedHashMap<>();
            for (int i = 0; i < SERIES.length; i++) {
                double[] b;
                if (i == 0) {
                    b = new double[] {
                            (s.baseSecondsAi - s.codingSecondsAi) / 3600.0 * HOURLY,
                            (baseDenialRate * s.firstAdjudicationsAi - s.codingDenialsAi) * REWORK,
                            s.cashDollarDaysAi * CAPITAL / 365.0};
                } else {
                    double[] sc = SCENARIOS.get(SERIES[i][1]);
                    double ramp = Math.min(1.0, (k + 1) / sc[3]);
                    b = new double[] {
                            ramp * sc[0] * s.baseSecondsAll / 3600.0 * HOURLY,
                            ramp * sc[1] * baseDenialRate * s.firstAdjudications * REWORK,
                            ramp * sc[2] * s.paidAll * CAPITAL / 365.0};
                }
                for (int c = 0; c < COMPONENTS.length; c++) {
                    monthValues.put(ReferenceModel.key(BENEFIT, "basis", SERIES[i][0], "scenario", SERIES[i][1],
                            "component", COMPONENTS[c], "month", m.toString()), b[c]);
                }
                cumulativeNet[i] += b[0] + b[1] + b[2] - cost;
            }
            monthValues.put(ReferenceModel.key(COST, "month", m.toString()), cost);
            x.monthly.add(monthValues);
        }
        // at most the last 36 months are published; the cumulative figures cover all
        for (int i = Math.max(0, x.monthly.size() - 36); i < x.monthly.size(); i++) {
            x.values.putAll(x.monthly.get(i));
        }
        for (int i = 0; i < SERIES.length; i++) {
            x.values.put(ReferenceModel.key(NET, "basis", SERIES[i][0], "scenario", SERIES[i][1]), cumulativeNet[i]);
            x.values.put(ReferenceModel.key(RATIO, "basis", SERIES[i][0], "scenario", SERIES[i][1]), cumulativeNet[i] / cumulativeCost);
        }
        // version 2: the baseline, configured always and measured where its months have data, and the assumptions
        BASE_MINUTES.forEach((setting, v) -> x.values.put(ReferenceModel.key(BASELINE, "item", "minutes_per_encounter",
                "setting", setting, "source", "configured"), v));
        x.values.put(ReferenceModel.key(BASELINE, "item", "coding_denial_rate", "setting", "", "source", "configured"), BASE_DENIAL_RATE);
        x.values.put(ReferenceModel.key(BASELINE, "item", "days_to_payment", "setting", "", "source", "configured"), BASE_DAYS);
        x.measured.forEach((item, v) -> x.values.put(ReferenceModel.key(BASELINE, "item", item.substring(0, item.indexOf('/')),
                "setting", item.substring(item.indexOf('/') + 1), "source", "measured"), v));
        x.values.put(ReferenceModel.key(ASSUMPTION, "name", "coder_hourly_cost"), HOURLY);
        x.values.put(ReferenceModel.key(ASSUMPTION, "name", "rework_cost_per_denial"), REWORK);
        x.values.put(ReferenceModel.key(ASSUMPTION, "name", "cost_of_capital_annual"), CAPITAL);
        return x;
    }

    /**
     * ROI.md version 2, read a second time: over the 3 calendar months before the go-live month, minutes per encounter
     * by setting = Σ coding_seconds of every revision / 60 / revision-1 codings; coding denial rate = coding-category
     * initial denials / first adjudications (any attribution); days to payment = Σ days x paid / Σ paid. An item
     * without data is left out of {@code x.measured} (keys "item/setting").
     */
    private static void measureBaseline(ReferenceModel ref, Expected x) {
        YearMonth goLiveMonth = YearMonth.from(GO_LIVE);
        YearMonth first = goLiveMonth.minusMonths(3);
        Map<String, double[]> minutes = new TreeMap<>();   // setting -> {seconds, revision-1 codings}
        double adjudications = 0;
        double codingDenials = 0;
        double paid = 0;
        double paidDays = 0;
        Set<String> adjudicated = new HashSet<>();
        for (SpecificRecord e : ref.accepted) {
            long t = EventType.occurredAtMs(e);
            YearMonth m = month(t);
            boolean firstAdjudication = (e instanceof ClaimDenied || e instanceof ClaimPaid) && adjudicated.add(EventType.key(e));
            if (m.isBefore(first) || !m.isBefore(goLiveMonth)) {
                continue;
            }
            if (e instanceof EncounterCoded c) {
                double[] v = minutes.computeIfAbsent(c.getSetting().name(), k -> new double[2]);
                v[0] += c.getCodingSeconds();
                if (c.getRevision() == 1) {
                    v[1] += 1;
                }
            } else if (e instanceof ClaimDenied d && firstAdjudication) {
                adjudications++;
                if (ReferenceModel.category(d.getAdjustments(), d.getRemarkCodes()).equals("coding")) {
                    codingDenials++;
                }
            } else if (e instanceof ClaimPaid p) {
                if (firstAdjudication) {
                    adjudications++;
                }
                double dollars = p.getPaidCents() / 100.0;
                paid += dollars;
                paidDays += (t - p.getSubmittedAt().toEpochMilli()) / 86_400_000.0 * dollars;
            }
        }
        minutes.forEach((setting, v) -> {
            if (v[1] > 0) {
                x.measured.put("minutes_per_encounter/" + setting, v[0] / 60.0 / v[1]);
            }
        });
        if (adjudications > 0) {
            x.measured.put("coding_denial_rate/", codingDenials / adjudications);
        }
        if (paid > 0) {
            x.measured.put("days_to_payment/", paidDays / paid);
        }
    }

    /** The report's figures, as formatted, against metrics.prom. */
    private void checkReport(Path report, Map<String, Double> prom, List<YearMonth> months, YearMonth goLiveMonth) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setExpandEntityReferences(false);
        Document doc = f.newDocumentBuilder().parse(report.toFile());

        // headline table and cards: cumulative net, program cost and ratio of every series
        double totalCost = 0;
        for (YearMonth m : months) {
            totalCost += prom.get(ReferenceModel.key(COST, "month", m.toString()));
        }
        for (String[] s : SERIES) {
            String row = "//table[@id='headline']/tbody/tr[@data-key='" + s[0] + "/" + s[1] + "']";
            double net = prom.get(ReferenceModel.key(NET, "basis", s[0], "scenario", s[1]));
            double ratio = prom.get(ReferenceModel.key(RATIO, "basis", s[0], "scenario", s[1]));
            assertThat(text(doc, row + "/td[@data-key='net']")).as("headline net %s", s[1]).isEqualTo(money(net));
            assertThat(text(doc, row + "/td[@data-key='ratio']")).as("headline ratio %s", s[1]).isEqualTo(money(ratio));
            assertThat(text(doc, row + "/td[@data-key='program-cost']")).as("headline cost %s", s[1]).isEqualTo(money(totalCost));
        }
        assertThat(text(doc, "//div[@id='card-realized']/div[contains(@class,'big')]"))
                .isEqualTo(money(prom.get(ReferenceModel.key(NET, "basis", "realized", "scenario", "actual"))));
        assertThat(text(doc, "//div[@id='card-expected']/div[contains(@class,'big')]"))
                .isEqualTo(money(prom.get(ReferenceModel.key(NET, "basis", "projected", "scenario", "expected"))));

        // components table: one row per month k = 0.., realized and expected components, cost, cumulative net
        assertThat(number(doc, "count(//table[@id='components']/tbody/tr)")).isEqualTo(months.size());
        assertThat(number(doc, "count(//svg[@id='cumulative-chart']/g[@class='series'])")).isEqualTo(4);
        double[] cumulative = new double[SERIES.length];
        for (int k = 0; k < months.size(); k++) {
            YearMonth m = months.get(k);
            assertThat(m).isEqualTo(goLiveMonth.plusMonths(k));
            String row = "//table[@id='components']/tbody/tr[@data-month='" + m + "']";
            assertThat(text(doc, row + "/td[2]")).as("k of %s", m).isEqualTo(String.valueOf(k));
            double cost = prom.get(ReferenceModel.key(COST, "month", m.toString()));
            assertThat(text(doc, row + "/td[@data-key='program-cost']")).as("program cost %s", m).isEqualTo(money(cost));
            for (int i = 0; i < SERIES.length; i++) {
                String[] s = SERIES[i];
                double total = 0;
                for (String c : COMPONENTS) {
                    double v = prom.get(ReferenceModel.key(BENEFIT, "basis", s[0], "scenario", s[1], "component", c,
                            "month", m.toString()));
                    total += v;
                    if (i == 0 || s[1].equals("expected")) {
                        assertThat(text(doc, row + "/td[@data-key='" + s[0] + "-" + c + "']"))
                                .as("%s %s %s", s[1], c, m).isEqualTo(money(v));
                    }
                }
                cumulative[i] += total - cost;
                if (i == 0 || s[1].equals("expected")) {
                    assertThat(text(doc, row + "/td[@data-key='" + s[0] + "-total']")).as("%s total %s", s[1], m)
                            .isEqualTo(money(total));
                    assertThat(text(doc, row + "/td[@data-key='" + s[0] + "-cumulative-net']"))
                            .as("%s cumulative %s", s[1], m).isEqualTo(money(cumulative[i]));
                }
                // the chart's point of the month: the cumulative net up to it
                String point = "//svg[@id='cumulative-chart']/g[@data-series='" + s[0] + "/" + s[1]
                        + "']/circle[@data-month='" + m + "']/@data-value";
                assertThat(Double.parseDouble(text(doc, point))).as("chart %s %s", s[1], m)
                        .isCloseTo(cumulative[i], within(0.005 + 1e-9));
            }
        }
        // the months' nets add up to the published cumulative net
        for (int i = 0; i < SERIES.length; i++) {
            assertThat(cumulative[i]).isCloseTo(prom.get(ReferenceModel.key(NET, "basis", SERIES[i][0], "scenario", SERIES[i][1])),
                    within(1e-6));
        }
    }

    static Stream<Arguments> badRoiFiles() {
        return Stream.of(
                Arguments.of("scenarios:\n  expected: { ramp_months: six }\n", "scenarios.expected.ramp_months"),
                Arguments.of("program_cost:\n  monthly: 1000\n", "program_cost"),
                Arguments.of("go_live: 2025-13-01\n", "go_live"),
                Arguments.of("baseline:\n  coding_denial_rate: 1.5\n", "baseline.coding_denial_rate"),
                Arguments.of("baseline:\n  minutes_per_encounter: { INPATIENT: -3 }\n", "baseline.minutes_per_encounter.INPATIENT"),
                Arguments.of("scenarios:\n  aggressive: { days_reduction: 50 }\n", "scenarios.aggressive.days_reduction"));
    }

    @ParameterizedTest
    @MethodSource("badRoiFiles")
    void replayWithABadRoiFileFailsNamingTheKeyWithoutAStackTrace(String yaml, String key) throws Exception {
        Path input = dir.resolve("empty.jsonl");
        Files.writeString(input, "");
        Path roi = dir.resolve("bad-roi.yaml");
        Files.writeString(roi, yaml);
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        StringWriter stdout = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(stdout, true));

        int code = cli.execute("replay", "--input", input.toString(), "--out", out.toString(), "--roi", roi.toString());

        String message = err.toString().replaceAll("\u001B\\[[;\\d]*m", "");   // without ANSI colours
        assertThat(code).as("exit code; err: %s", message).isNotZero();
        assertThat(message).startsWith("error: " + key + ": ");
        assertThat(message.strip().lines()).as("one line").hasSize(1);
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out).as("nothing replayed").doesNotExist();
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static final class MonthSums {
        double baseSecondsAll;
        double baseSecondsAi;
        double codingSecondsAi;
        long firstAdjudications;
        long firstAdjudicationsAi;
        long codingDenialsAi;
        double paidAll;
        double cashDollarDaysAi;
    }

    private static final class Expected {
        final Map<String, Double> values = new TreeMap<>();
        /** The measured baseline items, "item/setting" (setting "" for items without one). */
        final Map<String, Double> measured = new TreeMap<>();
        final List<YearMonth> months = new ArrayList<>();
        final List<Map<String, Double>> monthly = new ArrayList<>();
        long eventsBeforeGoLiveMonth;
        long aiCodingsBeforeGoLiveDate;
        long recodingsInAiModes;
        long aiCodingDenials;
        long unknownClaims;
    }

    /** About 1 encounter in 60 never gets its revision-1 coding delivered. */
    private static boolean lost(String encounterId) {
        return Math.floorMod(encounterId.hashCode(), 60) == 0;
    }

    private static YearMonth month(long epochMs) {
        return YearMonth.from(Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC));
    }

    /** The report's money format (RoiReport's class comment): 12,345.67, never -0.00. */
    private static String money(double v) {
        String s = String.format(Locale.US, "%,.2f", v);
        return s.equals("-0.00") ? "0.00" : s;
    }

    private String text(Document doc, String expr) throws Exception {
        String s = xpath.evaluate(expr, doc).trim();
        assertThat(s).as("report element %s", expr).isNotEmpty();
        return s;
    }

    private double number(Document doc, String expr) throws Exception {
        return (Double) xpath.evaluate(expr, doc, XPathConstants.NUMBER);
    }
}
