package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingStatus;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The detector's logic on plain tables, with small thresholds so that every rule is visible in a few days. */
class ComplianceEngineTest {
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long D0 = LocalDate.parse("2026-03-01").toEpochDay();
    private static final ComplianceConfig CONFIG = ComplianceConfig.from(Map.of(
            ComplianceConfig.WINDOW, "7d", ComplianceConfig.BASELINE, "7d", ComplianceConfig.PSI_MIN_CODES, "50",
            ComplianceConfig.CODER_MIN_SUGGESTIONS, "20", ComplianceConfig.SAMPLE_SIZE, "5",
            ComplianceConfig.CUSUM_BASELINE_DAYS, "3", ComplianceConfig.CUSUM_MIN_DAILY, "10", ComplianceConfig.CUSUM_MIN_SIGMA, "0"));

    private final Table<DayRecord> days = Table.inMemory();
    private final Table<ScopeState> scopes = Table.inMemory();
    private final Table<AuditFinding> findings = Table.inMemory();
    private ComplianceEngine engine = new ComplianceEngine(CONFIG, 1, days, scopes, findings, Table.inMemory());

    private static final String CODER = Scope.CODER.key("C9");

    /** The end of day {@code d} plus the grace: every day up to d can be evaluated. */
    private static long after(long d) {
        return (d + 1) * DAY + HOUR;
    }

    private void decisions(String scope, long day, int n, boolean accepted, double reviewSeconds) {
        for (int i = 0; i < n; i++) {
            engine.observe(scope, Observation.decision(day, accepted, reviewSeconds, "E-" + day + "-" + i));
        }
    }

    @Test
    void rubberStampingCoderOpensOnceAndClosesWhenReviewsSlowDown() {
        decisions(CODER, D0, 10, true, 1.0);
        decisions(CODER, D0 + 1, 10, true, 1.0);
        List<AuditFinding> opened = engine.tick(0, after(D0 + 1));

        assertThat(opened).hasSize(1);
        AuditFinding f = opened.get(0);
        assertThat(f.getFindingId()).isEqualTo("rubber-stamping-coder/C9/2026-03-02");
        assertThat(f.getKind()).isEqualTo(FindingKind.RUBBER_STAMPING_CODER);
        assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.getScope().getCoder()).isEqualTo("C9");
        assertThat(f.getCounts()).containsEntry("decisions", 20L).containsEntry("accepted", 20L).containsEntry("reviews_under_threshold", 20L);
        assertThat(f.getObserved().get("acceptance_rate")).isEqualTo(1.0);
        assertThat(f.getObserved().get("median_review_seconds")).isBetween(1.0, 2.0);
        assertThat(f.getValue()).isEqualTo(1.0);
        assertThat(f.getThreshold()).isEqualTo(0.98);
        assertThat(f.getRaisedAt().toEpochMilli()).isEqualTo((D0 + 2) * DAY);
        assertThat(f.getWindowStart().toEpochMilli()).isEqualTo((D0 - 5) * DAY);
        assertThat(f.getSampleEncounterIds()).hasSize(5).allMatch(id -> id.startsWith("E-"));

        // the condition still holds the next day: no second finding
        decisions(CODER, D0 + 2, 10, true, 1.0);
        assertThat(engine.tick(0, after(D0 + 2))).isEmpty();

        // slow, careful reviews: under half of the reviews are fast from D0+5 on (30 fast of 60)
        for (long d = D0 + 3; d <= D0 + 5; d++) {
            decisions(CODER, d, 10, true, 12.0);
        }
        List<AuditFinding> closed = engine.tick(0, after(D0 + 5));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getFindingId()).isEqualTo(f.getFindingId());
        assertThat(closed.get(0).getStatus()).isEqualTo(FindingStatus.CLOSED);
        assertThat(closed.get(0).getClosedAt().toEpochMilli()).isEqualTo((D0 + 6) * DAY);
        assertThat(closed.get(0).getSampleEncounterIds()).isEqualTo(f.getSampleEncounterIds());
        assertThat(closed.get(0).getSummary()).contains("Closed 2026-03-06");
        assertThat(findings.get(f.getFindingId()).getStatus()).isEqualTo(FindingStatus.CLOSED);
    }

    @Test
    void tooFewDecisionsNeitherOpensNorClosesButAWindowWithoutDataCloses() {
        decisions(CODER, D0, 25, true, 1.0);
        assertThat(engine.tick(0, after(D0))).hasSize(1);
        // no more decisions: the window holds 25 (≥ 20) until D0 leaves it; then too few to tell
        assertThat(engine.tick(0, after(D0 + 6))).isEmpty();
        List<AuditFinding> closed = engine.tick(0, after(D0 + 7));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getClosedValue()).isNull();
        assertThat(closed.get(0).getSummary()).contains("no data for 7 days");
        assertThat(scopes.keys()).isEmpty();
        assertThat(days.keys()).isEmpty();
    }

    @Test
    void aDayIsEvaluatedOnlyWhenEveryPartitionHasPassedItsEndAndTheGrace() {
        engine = new ComplianceEngine(CONFIG, 2, days, scopes, findings, Table.inMemory());
        decisions(CODER, D0, 25, true, 1.0);
        assertThat(engine.tick(0, after(D0) + 10 * DAY)).isEmpty();
        assertThat(engine.tick(1, (D0 + 1) * DAY + HOUR - 1)).isEmpty();   // within the grace
        assertThat(engine.tick(1, after(D0))).hasSize(1);
    }

    @Test
    void theEvidenceSampleDoesNotDependOnArrivalOrder() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            obs.add(Observation.decision(D0, true, 1.0, "enc-" + i));
        }
        List<String> first = sampleOf(obs);
        Collections.shuffle(obs, new Random(3));
        List<String> second = sampleOf(obs);

        assertThat(second).hasSize(5).isEqualTo(first);
    }

    private List<String> sampleOf(List<Observation> obs) {
        ComplianceEngine e = new ComplianceEngine(CONFIG, 1, Table.inMemory(), Table.inMemory(), Table.inMemory(), Table.inMemory());
        obs.forEach(o -> e.observe(CODER, o));
        return e.tick(0, after(D0)).get(0).getSampleEncounterIds();
    }

    @Test
    void emLevelShiftComparesTheWindowWithTheBaselineAndSamplesTheRisingLevels() {
        String scope = Scope.EM.key("FAC-X", "GENERAL_MEDICINE");
        int l3 = EmLevels.slot("99213");
        int l4 = EmLevels.slot("99214");
        int l5 = EmLevels.slot("99215");
        Set<String> risingEncounters = new HashSet<>();
        List<AuditFinding> out = new ArrayList<>();
        for (long d = D0; d < D0 + 14; d++) {
            boolean shifted = d >= D0 + 7;
            int[] mix = shifted ? new int[] {2, 4, 4} : new int[] {6, 3, 1};
            int[] level = {l3, l4, l5};
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < mix[j]; i++) {
                    String enc = "enc-" + d + "-" + j + "-" + i;
                    engine.observe(scope, Observation.emCode(d, level[j], enc));
                    if (shifted && j > 0) {
                        risingEncounters.add(enc);
                    }
                }
            }
            out.addAll(engine.tick(0, after(d)));
        }
        assertThat(out).hasSize(1);
        AuditFinding f = out.get(0);
        assertThat(f.getKind()).isEqualTo(FindingKind.EM_LEVEL_SHIFT);
        assertThat(f.getScope().getFacility()).isEqualTo("FAC-X");
        assertThat(f.getBaseline()).containsEntry("99213", 0.6).containsEntry("99214", 0.3);
        assertThat(f.getBaseline().get("99215")).isCloseTo(0.1, within(1e-12));
        double[] baseline = new double[EmLevels.COUNT];
        double[] window = new double[EmLevels.COUNT];
        baseline[l3] = 42;
        baseline[l4] = 21;
        baseline[l5] = 7;
        f.getCounts().forEach((code, n) -> window[EmLevels.slot(code)] = n);
        assertThat(f.getValue()).isCloseTo(Psi.of(baseline, window), within(1e-12)).isGreaterThanOrEqualTo(0.25);
        assertThat(f.getBaselineStart().toEpochMilli()).isEqualTo(D0 * DAY);
        assertThat(f.getBaselineEnd().toEpochMilli()).isEqualTo((D0 + 7) * DAY);
        assertThat(f.getSampleEncounterIds()).hasSize(5).allMatch(risingEncounters::contains);
    }

    @Test
    void anObservationDatedBeforeAnEvaluatedScopeDoesNotMoveItsBaseline() {
        decisions(CODER, D0, 5, true, 1.0);
        engine.tick(0, after(D0));
        engine.observe(CODER, Observation.decision(D0 - 3, true, 1.0, "late"));

        assertThat(scopes.get(CODER).firstDay).isEqualTo(D0);
        assertThat(days.keys()).containsExactly(ComplianceEngine.dayKey(CODER, D0));
    }

    @Test
    void acceptanceDriftOpensWhenTheCusumPassesH() {
        String scope = Scope.ACCEPTANCE.key("CARDIOLOGY", "m-2");
        List<AuditFinding> out = new ArrayList<>();
        int[] acceptedPerHundred = {80, 80, 80, 95, 95, 95};  // σ = 0.04, z = 3.75 a day: S = 3.25, 6.5
        for (int i = 0; i < acceptedPerHundred.length; i++) {
            decisions(scope, D0 + i, acceptedPerHundred[i], true, 5);
            decisions(scope, D0 + i, 100 - acceptedPerHundred[i], false, 5);
            out.addAll(engine.tick(0, after(D0 + i)));
        }
        assertThat(out).hasSize(1);
        AuditFinding f = out.get(0);
        assertThat(f.getFindingId()).isEqualTo("acceptance-drift/CARDIOLOGY/m-2/2026-03-05");
        assertThat(f.getValue()).isCloseTo(6.5, within(1e-9));
        assertThat(f.getBaseline()).containsEntry("acceptance_rate", 0.8).containsEntry("days", 3.0);
        assertThat(f.getCounts()).containsEntry("decisions", 200L).containsEntry("accepted", 190L).containsEntry("days", 2L);
        assertThat(f.getWindowStart().toEpochMilli()).isEqualTo((D0 + 3) * DAY);
        assertThat(f.getSampleEncounterIds()).hasSize(5);
    }

    @Test
    void reviewTimeMedianIsInterpolatedInItsHistogramBin() {
        // bins [0,1) [1,2) [2,3) [3,5) ...: 2 + 2 + 4 + 2 → the 5th of 10 is in [2,3), 1 of its 4
        assertThat(ComplianceEngine.median(new long[] {2, 2, 4, 2, 0, 0, 0})).isCloseTo(2.25, within(1e-12));
    }

    @Test
    void acceptanceCollapseOpensWhenTheLowerCusumPassesHAndClosesWhenItFalls() {
        String scope = Scope.ACCEPTANCE.key("CARDIOLOGY", "m-3");
        List<AuditFinding> out = new ArrayList<>();
        int[] acceptedPerHundred = {80, 80, 80, 65, 65, 90, 90};  // σ = 0.04, z = -3.75 a day: L = 3.25, 6.5; then z = 2.5: L = 3.5, 0.5
        for (int i = 0; i < acceptedPerHundred.length; i++) {
            for (int j = 0; j < 100; j++) {
                boolean accepted = j < acceptedPerHundred[i];
                engine.observe(scope, Observation.decision(D0 + i, accepted, 5, (accepted ? "A-" : "R-") + i + "-" + j));
            }
            out.addAll(engine.tick(0, after(D0 + i)));
        }
        assertThat(out).hasSize(2);
        AuditFinding f = out.get(0);
        assertThat(f.getFindingId()).isEqualTo("acceptance-collapse/CARDIOLOGY/m-3/2026-03-05");
        assertThat(f.getKind()).isEqualTo(FindingKind.ACCEPTANCE_COLLAPSE);
        assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.getScope().getSpecialty()).isEqualTo("CARDIOLOGY");
        assertThat(f.getScope().getModelVersion()).isEqualTo("m-3");
        assertThat(f.getValue()).isCloseTo(6.5, within(1e-9));
        assertThat(f.getThreshold()).isEqualTo(5.0);
        assertThat(f.getCounts()).containsEntry("decisions", 200L).containsEntry("accepted", 130L).containsEntry("days", 2L);
        assertThat(f.getSampleEncounterIds()).hasSize(5).allMatch(id -> id.startsWith("R-"));
        assertThat(f.getSummary()).contains("collapsed").contains("lower CUSUM");

        AuditFinding closed = out.get(1);
        assertThat(closed.getFindingId()).isEqualTo(f.getFindingId());
        assertThat(closed.getStatus()).isEqualTo(FindingStatus.CLOSED);
        assertThat(closed.getClosedValue()).isCloseTo(3.5, within(1e-9));
        assertThat(scopes.get(scope).downFindingId).isNull();
        assertThat(scopes.get(scope).openFindingId).isNull();
    }

    private static Observation breachOf(String encounter, long atMs, String rule) {
        return Observation.breach(atMs, encounter, new Observation.Breach(rule, "FAC-X", "cardiology", "m-2", "INPATIENT", 3_000_000L,
                rule.equals("high_dollar") ? 2_500_000L : null));
    }

    @Test
    void anOversightBreachIsRaisedAtOnceOnceAndClosesAfterTheReviewPeriod() {
        long at = D0 * DAY + 10 * HOUR;
        Observation o = breachOf("ENC-77", at, "high_dollar");
        String key = Scope.OVERSIGHT.key("high_dollar", "FAC-X", "ENC-77");
        List<AuditFinding> raised = engine.observe(key, o);

        assertThat(raised).hasSize(1);
        AuditFinding f = raised.get(0);
        assertThat(f.getKind()).isEqualTo(FindingKind.OVERSIGHT_BREACH);
        assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.getFindingId()).startsWith("oversight-breach/high_dollar/2026-03-01/").doesNotContain("ENC-77");
        assertThat(f.getRaisedAt().toEpochMilli()).isEqualTo(at);
        assertThat(f.getScope().getRule()).isEqualTo("high_dollar");
        assertThat(f.getScope().getSetting()).isEqualTo("INPATIENT");
        assertThat(f.getScope().getFacility()).isEqualTo("FAC-X");
        assertThat(f.getSampleEncounterIds()).containsExactly("ENC-77");
        assertThat(f.getCounts()).containsEntry("charge_cents", 3_000_000L);
        assertThat(f.getValue()).isEqualTo(30_000.0);
        assertThat(f.getThreshold()).isEqualTo(25_000.0);
        assertThat(f.getSummary()).doesNotContain("ENC-77").contains("high_dollar");

        // redelivered, or another revision-1 coding of the same encounter: nothing new
        assertThat(engine.observe(key, Observation.decode(o.encode()))).isEmpty();
        // another rule for the same encounter is another finding
        assertThat(engine.observe(Scope.OVERSIGHT.key("inpatient", "FAC-X", "ENC-77"), breachOf("ENC-77", at, "inpatient"))).hasSize(1);

        // the review period (30 days by default) runs from the coding: still open at the end of D0 + 29
        assertThat(engine.tick(0, after(D0 + 29))).isEmpty();
        List<AuditFinding> closed = engine.tick(0, after(D0 + 30));
        assertThat(closed).hasSize(2).allMatch(c -> c.getStatus() == FindingStatus.CLOSED);
        assertThat(closed.get(0).getClosedAt().toEpochMilli()).isEqualTo((D0 + 31) * DAY);
        assertThat(closed.get(0).getSummary()).contains("review period of 30 days");
        assertThat(findings.get(f.getFindingId()).getStatus()).isEqualTo(FindingStatus.CLOSED);
    }

    @Test
    void observationsOfAnAutonomousFirstCodingAreOneBreachPerRuleMatched() {
        List<String> keys = new ArrayList<>();
        List<Observation> breaches = new ArrayList<>();
        java.util.function.BiConsumer<String, Observation> collect = (k, o) -> {
            if (o.type() == Observation.BREACH) {
                keys.add(k);
                breaches.add(o);
            }
        };
        java.time.Instant t = java.time.Instant.parse("2026-03-02T08:00:00Z");
        Observations.of(org.codingkpi.TestEvents.coded("E1", t, t.plusSeconds(3600), 1, org.codingkpi.events.CodingMode.AUTONOMOUS)
                .setChargeCents(3_000_000).build(), org.codingkpi.kpi.OversightRule.DEFAULTS, collect);
        assertThat(breaches).extracting(o -> o.breach().rule()).containsExactly("inpatient", "high_dollar");
        assertThat(breaches).allMatch(o -> o.encounterId().equals("E1") && o.breach().chargeCents() == 3_000_000L);
        assertThat(Observation.decode(breaches.get(1).encode())).isEqualTo(breaches.get(1));

        breaches.clear();
        Observations.of(org.codingkpi.TestEvents.coded("E2", t, t.plusSeconds(3600), 1, org.codingkpi.events.CodingMode.AI_ASSISTED)
                .setChargeCents(3_000_000).build(), org.codingkpi.kpi.OversightRule.DEFAULTS, collect);
        Observations.of(org.codingkpi.TestEvents.coded("E3", t, t.plusSeconds(3600), 2, org.codingkpi.events.CodingMode.AUTONOMOUS)
                .build(), org.codingkpi.kpi.OversightRule.DEFAULTS, collect);
        assertThat(breaches).isEmpty();
    }

    @Test
    void aScopeStateWrittenBeforeTheLowerCusumReadsWithoutACollapseEpisode() throws java.io.IOException {
        // version 1 of the encoding, as a changelog written by the previous release holds it
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(D0);
            out.writeLong(D0 + 3);
            out.writeBoolean(true);
            out.writeBoolean(true);
            out.writeUTF("acceptance-drift/CARDIOLOGY/m-2/2026-03-04");
            out.writeDouble(6.5);
        }
        ScopeState old = ScopeState.decode(bytes.toByteArray());
        assertThat(old.openFindingId).isEqualTo("acceptance-drift/CARDIOLOGY/m-2/2026-03-04");
        assertThat(old.peak).isEqualTo(6.5);
        assertThat(old.downFindingId).isNull();

        old.downFindingId = "acceptance-collapse/CARDIOLOGY/m-2/2026-03-05";
        old.downPeak = 7.0;
        ScopeState again = ScopeState.decode(old.encode());
        assertThat(again.downFindingId).isEqualTo(old.downFindingId);
        assertThat(again.downPeak).isEqualTo(7.0);
        assertThat(again.lastDay).isEqualTo(D0 + 3);
    }
}
