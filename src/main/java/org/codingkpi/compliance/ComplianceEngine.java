package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.kpi.Series;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The audit-finding logic of one detector task, on plain tables: it keeps daily counts and evidence
 * samples per scope ({@link #observe}), and when every upstream partition's stream time has passed
 * the end of a day plus {@code drift.grace} ({@link #tick}), evaluates that day for every scope and
 * opens or closes episodes:
 *
 * <ul>
 *   <li>acceptance drift (specialty, model version): {@link AcceptanceCusum} above {@code h};</li>
 *   <li>rubber-stamping coder: over the window, at least {@code audit.coder.min.suggestions}
 *       decisions, acceptance ≥ {@code audit.coder.acceptance} and more than half of the reviews
 *       under {@code audit.coder.review.seconds} (the median under it);</li>
 *   <li>E/M level shift (facility, specialty): {@link EmShift} PSI ≥ {@code drift.psi.threshold}.</li>
 * </ul>
 *
 * An episode opens (one OPEN finding) on the first day its condition holds and closes (the same
 * finding, CLOSED) on the first day it no longer does, or when the scope had no data for a whole
 * window. Days are evaluated in order, so the same input gives the same findings.
 */
final class ComplianceEngine {
    static final String CLOCK_EVALUATED = "evaluated-day";
    /** Records the detector task processed (observations and ticks): how a replay knows it has caught up. */
    static final String CLOCK_RECORDS = "records";
    static final String CLOCK_UPSTREAM = "upstream-stream-time/";
    static final long DAY = ComplianceConfig.DAY_MS;
    /** Closed findings are forgotten by the state (not by the topic) this long after they closed. */
    static final long FINDINGS_RETENTION_DAYS = 400;

    // count layouts: acceptance [decisions, accepted]; coder [decisions, accepted, fast, review histogram...]
    static final int DECISIONS = 0;
    static final int ACCEPTED = 1;
    static final int FAST = 2;
    static final int HISTOGRAM = 3;
    /** Review-time histogram bounds (seconds) for the median in the coder evidence. */
    static final double[] REVIEW_BOUNDS = {1, 2, 3, 5, 10, 30};

    static {
        AvroTrust.ensure();
    }

    private final ComplianceConfig config;
    private final int upstreamPartitions;
    private final Table<DayRecord> days;
    private final Table<ScopeState> scopes;
    private final Table<AuditFinding> findings;
    private final Table<Long> clock;

    ComplianceEngine(ComplianceConfig config, int upstreamPartitions, Table<DayRecord> days, Table<ScopeState> scopes,
                     Table<AuditFinding> findings, Table<Long> clock) {
        this.config = config;
        this.upstreamPartitions = upstreamPartitions;
        this.days = days;
        this.scopes = scopes;
        this.findings = findings;
        this.clock = clock;
    }

    // --- observations ---------------------------------------------------------------------------

    void observe(String scopeKey, Observation o) {
        Scope scope = Scope.of(scopeKey);
        long day = o.day();
        ScopeState st = scopes.get(scopeKey);
        if (st == null) {
            scopes.put(scopeKey, new ScopeState(day));
        } else if (day < st.firstDay && st.evaluated) {
            return; // dated before a scope whose baseline is already being used: it would move the baseline
        } else if (day < st.firstDay || day > st.lastDay) {
            st.firstDay = Math.min(st.firstDay, day);
            st.lastDay = Math.max(st.lastDay, day);
            scopes.put(scopeKey, st);
        }
        String key = dayKey(scopeKey, day);
        DayRecord r = days.get(key);
        if (r == null) {
            r = new DayRecord(slots(scope));
        }
        if (o.type() == Observation.AGGREGATE) {
            r.merge(o.aggregate());
        } else {
            add(scope, o, r, config);
        }
        days.put(key, r);
    }

    /** Counts one observation into its scope's day record (here, or upstream into a task's aggregate). */
    static void add(Scope scope, Observation o, DayRecord r, ComplianceConfig config) {
        int k = config.sampleSize();
        switch (scope) {
            case ACCEPTANCE -> {
                r.counts[DECISIONS]++;
                if (o.accepted()) {
                    r.counts[ACCEPTED]++;
                    r.sample(0, k).add(o.encounterId());
                }
            }
            case CODER -> {
                r.counts[DECISIONS]++;
                boolean fast = o.reviewSeconds() < config.coderReviewSeconds();
                if (o.accepted()) {
                    r.counts[ACCEPTED]++;
                }
                if (fast) {
                    r.counts[FAST]++;
                }
                int bin = Arrays.binarySearch(REVIEW_BOUNDS, o.reviewSeconds());
                r.counts[HISTOGRAM + (bin >= 0 ? bin + 1 : -bin - 1)]++;
                if (o.accepted() && fast) {
                    r.sample(0, k).add(o.encounterId());
                }
            }
            case EM -> {
                r.counts[o.level()]++;
                r.sample(o.level(), k).add(o.encounterId());
            }
        }
    }

    static int slots(Scope scope) {
        return switch (scope) {
            case ACCEPTANCE -> 2;
            case CODER -> HISTOGRAM + REVIEW_BOUNDS.length + 1;
            case EM -> EmLevels.COUNT;
        };
    }

    // --- the clock ------------------------------------------------------------------------------

    /**
     * An upstream partition's stream time. Evaluates the days every partition has passed (by the
     * grace) and returns the findings opened or closed, in order.
     */
    List<AuditFinding> tick(int partition, long streamTimeMs) {
        String key = CLOCK_UPSTREAM + partition;
        Long previous = clock.get(key);
        if (previous != null && previous >= streamTimeMs) {
            return List.of();
        }
        clock.put(key, streamTimeMs);
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < upstreamPartitions; p++) {
            Long t = clock.get(CLOCK_UPSTREAM + p);
            if (t == null) {
                return List.of(); // a partition not heard from yet
            }
            watermark = Math.min(watermark, t);
        }
        long lastComplete = Math.floorDiv(watermark - config.graceMs(), DAY) - 1;
        return evaluateThrough(lastComplete);
    }

    /** Evaluates every day after the last evaluated one up to {@code lastDay}, for every scope. */
    List<AuditFinding> evaluateThrough(long lastDay) {
        List<String> keys = scopes.keys();
        if (keys.isEmpty()) {
            return List.of();
        }
        Long evaluated = clock.get(CLOCK_EVALUATED);
        long from;
        if (evaluated != null) {
            from = evaluated + 1;
        } else {
            from = Long.MAX_VALUE;
            for (String k : keys) {
                from = Math.min(from, scopes.get(k).firstDay);
            }
        }
        if (lastDay < from) {
            return List.of();
        }
        List<AuditFinding> out = new ArrayList<>();
        for (long d = from; d <= lastDay; d++) {
            for (String k : keys) {
                ScopeState st = scopes.get(k);
                if (st != null && d >= st.firstDay) {
                    evaluate(k, st, d, out);
                }
            }
            forgetOldFindings(d);
        }
        clock.put(CLOCK_EVALUATED, lastDay);
        return out;
    }

    // --- evaluation -----------------------------------------------------------------------------

    /**
     * The outcome of one scope on one day: its condition holds (with the evidence, should an episode
     * open), is clear, or cannot be told (a baseline still under way, too few codes or decisions in the
     * window): then an episode neither opens nor closes.
     */
    private record Verdict(Outcome outcome, double value, AuditFinding.Builder evidence) {
        static Verdict unknown() {
            return new Verdict(Outcome.UNKNOWN, Double.NaN, null);
        }

        static Verdict clear(double value) {
            return new Verdict(Outcome.CLEAR, value, null);
        }
    }

    private enum Outcome { HOLDS, CLEAR, UNKNOWN }

    private void evaluate(String scopeKey, ScopeState st, long d, List<AuditFinding> out) {
        Scope scope = Scope.of(scopeKey);
        TreeMap<Long, DayRecord> byDay = new TreeMap<>();
        for (Map.Entry<String, DayRecord> e : days.prefixed(scopeKey + Series.SEP)) {
            byDay.put(dayOf(e.getKey()), e.getValue());
        }
        if (st.lastDay < config.windowStart(d)) {
            // no data for a whole window: the model version was retired, the coder left, the service closed
            if (st.openFindingId != null) {
                out.add(close(st, d, null, "no data for " + config.windowDays() + " days"));
            }
            byDay.keySet().forEach(day -> days.delete(dayKey(scopeKey, day)));
            scopes.delete(scopeKey);
            return;
        }
        SortedMap<Long, DayRecord> upTo = byDay.headMap(d + 1);
        Verdict v = switch (scope) {
            case ACCEPTANCE -> acceptance(scopeKey, upTo, d);
            case CODER -> coder(scopeKey, upTo, d);
            case EM -> em(scopeKey, st, upTo, d);
        };
        boolean changed = !st.evaluated;
        st.evaluated = true;
        if (st.openFindingId != null) {
            if (v.outcome() == Outcome.HOLDS && v.value() > st.peak) {
                st.peak = v.value();
                changed = true;
            } else if (v.outcome() == Outcome.CLEAR) {
                out.add(close(st, d, v.value(), null));
                changed = true;
            }
        } else if (v.outcome() == Outcome.HOLDS) {
            AuditFinding f = v.evidence()
                    .setFindingId(scope.slug() + "/" + String.join("/", Scope.labels(scopeKey)) + "/" + LocalDate.ofEpochDay(d))
                    .setKind(scope.kind()).setStatus(FindingStatus.OPEN).setScope(scope.findingScope(scopeKey))
                    .setRaisedAt(Instant.ofEpochMilli((d + 1) * DAY)).setClosedAt(null)
                    .setThreshold(threshold(scope)).setValue(v.value()).setPeak(v.value()).setClosedValue(null)
                    .build();
            findings.put(f.getFindingId(), f);
            st.openFindingId = f.getFindingId();
            st.peak = v.value();
            out.add(f);
            changed = true;
        }
        if (changed) {
            scopes.put(scopeKey, st);
        }
        prune(scopeKey, scope, st, byDay, d);
    }

    private AuditFinding close(ScopeState st, long d, Double value, String reason) {
        AuditFinding open = findings.get(st.openFindingId);
        String why = reason != null ? reason
                : String.format(Locale.ROOT, "%s %s, back under %s", open.getStatistic(), num(value), num(open.getThreshold()));
        AuditFinding closed = AuditFinding.newBuilder(open).setStatus(FindingStatus.CLOSED)
                .setClosedAt(Instant.ofEpochMilli((d + 1) * DAY)).setClosedValue(value).setPeak(st.peak)
                .setSummary(open.getSummary() + " Closed " + LocalDate.ofEpochDay(d) + ": " + why + ".")
                .build();
        findings.put(closed.getFindingId(), closed);
        st.openFindingId = null;
        st.peak = 0;
        return closed;
    }

    private double threshold(Scope scope) {
        return switch (scope) {
            case ACCEPTANCE -> config.cusumH();
            case CODER -> config.coderAcceptance();
            case EM -> config.psiThreshold();
        };
    }

    private Verdict acceptance(String scopeKey, SortedMap<Long, DayRecord> upTo, long d) {
        SortedMap<Long, double[]> counts = new TreeMap<>();
        upTo.forEach((day, r) -> counts.put(day, r.countsAsDoubles()));
        AcceptanceCusum.Result r = AcceptanceCusum.run(counts, config.cusumBaselineDays(), config.cusumMinDaily(), config.cusumK(), config.cusumMinSigma());
        if (!r.ready()) {
            return Verdict.unknown();
        }
        if (r.value() <= config.cusumH()) {
            return Verdict.clear(r.value());
        }
        long decisions = 0;
        long accepted = 0;
        int runDays = 0;
        Sample sample = new Sample(config.sampleSize());
        for (Map.Entry<Long, DayRecord> e : upTo.tailMap(r.runStartDay()).entrySet()) {
            DayRecord day = e.getValue();
            if (day.counts[DECISIONS] >= config.cusumMinDaily()) {
                decisions += day.counts[DECISIONS];
                accepted += day.counts[ACCEPTED];
                runDays++;
                Sample s = day.samples.get(0);
                if (s != null) {
                    sample.addAll(s);
                }
            }
        }
        String[] l = Scope.labels(scopeKey);
        double rate = accepted / (double) decisions;
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("decisions", decisions);
        c.put("accepted", accepted);
        c.put("days", (long) runDays);
        Map<String, Double> observed = new LinkedHashMap<>();
        observed.put("acceptance_rate", rate);
        Map<String, Double> baseline = new LinkedHashMap<>();
        baseline.put("acceptance_rate", r.mean());
        baseline.put("sigma_at_mean_volume", r.sigmaAtMeanVolume());
        baseline.put("overdispersion", r.overdispersion());
        baseline.put("days", (double) config.cusumBaselineDays());
        String summary = String.format(Locale.ROOT,
                "AI acceptance for %s on model %s drifted up: %s of %d decisions accepted in the %d days since %s, against %s in the "
                        + "model version's baseline (%s to %s, σ %.1f points a day); CUSUM %.1fσ above the %.1fσ alarm.",
                l[0], l[1], pct(rate), decisions, runDays, LocalDate.ofEpochDay(r.runStartDay()), pct(r.mean()),
                LocalDate.ofEpochDay(r.baselineFirstDay()), LocalDate.ofEpochDay(r.baselineLastDay()),
                100 * r.sigmaAtMeanVolume(), r.value(), config.cusumH());
        AuditFinding.Builder b = AuditFinding.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(r.runStartDay() * DAY)).setWindowEnd(Instant.ofEpochMilli((d + 1) * DAY))
                .setBaselineStart(Instant.ofEpochMilli(r.baselineFirstDay() * DAY))
                .setBaselineEnd(Instant.ofEpochMilli((r.baselineLastDay() + 1) * DAY))
                .setStatistic("cusum_sigma").setCounts(c).setObserved(observed).setBaseline(baseline)
                .setSampleEncounterIds(sample.ids())
                .setEvidence("encounters with an accepted suggestion of this specialty and model version since the CUSUM left zero "
                        + "(a deterministic sample, within the last " + config.windowDays() + " days)")
                .setSummary(summary);
        return new Verdict(Outcome.HOLDS, r.value(), b);
    }

    private Verdict coder(String scopeKey, SortedMap<Long, DayRecord> upTo, long d) {
        long[] sum = new long[slots(Scope.CODER)];
        Sample sample = new Sample(config.sampleSize());
        long windowStart = config.windowStart(d);
        for (Map.Entry<Long, DayRecord> e : upTo.tailMap(windowStart).entrySet()) {
            long[] c = e.getValue().counts;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c[i];
            }
            Sample s = e.getValue().samples.get(0);
            if (s != null) {
                sample.addAll(s);
            }
        }
        long n = sum[DECISIONS];
        double rate = n == 0 ? 0 : sum[ACCEPTED] / (double) n;
        if (n < config.coderMinSuggestions()) {
            return Verdict.unknown();
        }
        if (rate < config.coderAcceptance() || 2 * sum[FAST] <= n) {
            return Verdict.clear(rate);
        }
        double median = median(Arrays.copyOfRange(sum, HISTOGRAM, sum.length));
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("decisions", n);
        c.put("accepted", sum[ACCEPTED]);
        c.put("reviews_under_threshold", sum[FAST]);
        Map<String, Double> observed = new LinkedHashMap<>();
        observed.put("acceptance_rate", rate);
        observed.put("median_review_seconds", median);
        observed.put("share_reviews_under_threshold", sum[FAST] / (double) n);
        observed.put("review_seconds_threshold", config.coderReviewSeconds());
        String summary = String.format(Locale.ROOT,
                "Coder %s accepted %s of %d AI suggestions in the %d days to %s, %s of them reviewed in under %s s "
                        + "(median about %.1f s); rule: acceptance ≥ %s, median review < %s s, ≥ %d suggestions.",
                Scope.labels(scopeKey)[0], pct(rate), n, config.windowDays(), LocalDate.ofEpochDay(d), pct(sum[FAST] / (double) n),
                num(config.coderReviewSeconds()), median, pct(config.coderAcceptance()), num(config.coderReviewSeconds()),
                config.coderMinSuggestions());
        AuditFinding.Builder b = AuditFinding.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(windowStart * DAY)).setWindowEnd(Instant.ofEpochMilli((d + 1) * DAY))
                .setBaselineStart(null).setBaselineEnd(null)
                .setStatistic("acceptance_rate").setCounts(c).setObserved(observed).setBaseline(new LinkedHashMap<>())
                .setSampleEncounterIds(sample.ids())
                .setEvidence("encounters in which this coder accepted a suggestion in under " + num(config.coderReviewSeconds())
                        + " s, in the window (a deterministic sample)")
                .setSummary(summary);
        return new Verdict(Outcome.HOLDS, rate, b);
    }

    private Verdict em(String scopeKey, ScopeState st, SortedMap<Long, DayRecord> upTo, long d) {
        SortedMap<Long, double[]> counts = new TreeMap<>();
        upTo.forEach((day, r) -> counts.put(day, r.countsAsDoubles()));
        EmShift.Result r = EmShift.evaluate(counts, st.firstDay, d, config);
        if (!r.ready()) {
            return Verdict.unknown();
        }
        if (r.psi() < config.psiThreshold()) {
            return Verdict.clear(r.psi());
        }
        double[] now = Psi.shares(r.windowCounts());
        double[] before = Psi.shares(r.baselineCounts());
        Map<String, Long> c = new LinkedHashMap<>();
        Map<String, Double> observed = new LinkedHashMap<>();
        Map<String, Double> baseline = new LinkedHashMap<>();
        List<Integer> rising = new ArrayList<>();
        for (int i = 0; i < EmLevels.COUNT; i++) {
            if (r.windowCounts()[i] > 0 || r.baselineCounts()[i] > 0) {
                String code = EmLevels.CODES.get(i);
                c.put(code, (long) r.windowCounts()[i]);
                observed.put(code, now[i]);
                baseline.put(code, before[i]);
                if (now[i] > before[i]) {
                    rising.add(i);
                }
            }
        }
        Sample sample = new Sample(config.sampleSize());
        for (Map.Entry<Long, DayRecord> e : upTo.tailMap(r.windowStart()).entrySet()) {
            for (int level : rising) {
                Sample s = e.getValue().samples.get(level);
                if (s != null) {
                    sample.addAll(s);
                }
            }
        }
        List<Integer> moves = new ArrayList<>(rising);
        for (int i = 0; i < EmLevels.COUNT; i++) {
            if (!moves.contains(i) && (now[i] > 0 || before[i] > 0)) {
                moves.add(i);
            }
        }
        moves.sort(Comparator.comparingDouble(i -> -Math.abs(now[i] - before[i])));
        StringBuilder largest = new StringBuilder();
        for (int j = 0; j < Math.min(3, moves.size()); j++) {
            int i = moves.get(j);
            largest.append(j == 0 ? "" : ", ").append(EmLevels.CODES.get(i)).append(' ')
                    .append(pct(before[i])).append(" → ").append(pct(now[i]));
        }
        String[] l = Scope.labels(scopeKey);
        String summary = String.format(Locale.ROOT,
                "E/M level mix at %s / %s shifted: PSI %.2f ≥ %s over the %d days to %s against the baseline %s to %s "
                        + "(%d codes against %d); largest moves: %s.",
                l[0], l[1], r.psi(), num(config.psiThreshold()), config.windowDays(), LocalDate.ofEpochDay(d),
                LocalDate.ofEpochDay(r.baselineStart()), LocalDate.ofEpochDay(r.baselineEnd() - 1),
                (long) Psi.sum(r.windowCounts()), (long) Psi.sum(r.baselineCounts()), largest);
        AuditFinding.Builder b = AuditFinding.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(r.windowStart() * DAY)).setWindowEnd(Instant.ofEpochMilli((d + 1) * DAY))
                .setBaselineStart(Instant.ofEpochMilli(r.baselineStart() * DAY))
                .setBaselineEnd(Instant.ofEpochMilli(r.baselineEnd() * DAY))
                .setStatistic("psi").setCounts(c).setObserved(observed).setBaseline(baseline)
                .setSampleEncounterIds(sample.ids())
                .setEvidence("encounters coded in the window at the levels whose share rose (a deterministic sample)")
                .setSummary(summary);
        return new Verdict(Outcome.HOLDS, r.psi(), b);
    }

    // --- retention ------------------------------------------------------------------------------

    /**
     * Acceptance keeps every day's counts (the CUSUM runs from the model version's baseline) and
     * drops samples outside the window; the coder rule keeps the window; the E/M mix keeps the window
     * and the baseline period (its samples only inside the window).
     */
    private void prune(String scopeKey, Scope scope, ScopeState st, TreeMap<Long, DayRecord> byDay, long d) {
        long windowStart = config.windowStart(d);
        long bStart = config.baseline().start(st.firstDay);
        long bEnd = config.baseline().end(st.firstDay);
        for (Map.Entry<Long, DayRecord> e : byDay.headMap(windowStart).entrySet()) {
            long day = e.getKey();
            DayRecord r = e.getValue();
            boolean keepCounts = scope == Scope.ACCEPTANCE || (scope == Scope.EM && day >= bStart && day < bEnd);
            if (!keepCounts) {
                days.delete(dayKey(scopeKey, day));
            } else if (!r.samples.isEmpty()) {
                r.samples.clear();
                days.put(dayKey(scopeKey, day), r);
            }
        }
    }

    private void forgetOldFindings(long d) {
        long cutoff = (d - FINDINGS_RETENTION_DAYS) * DAY;
        for (String id : findings.keys()) {
            AuditFinding f = findings.get(id);
            if (f.getStatus() == FindingStatus.CLOSED && f.getClosedAt() != null && f.getClosedAt().toEpochMilli() < cutoff) {
                findings.delete(id);
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    static String dayKey(String scopeKey, long day) {
        return scopeKey + Series.SEP + LocalDate.ofEpochDay(day);
    }

    static long dayOf(String dayKey) {
        return LocalDate.parse(dayKey.substring(dayKey.lastIndexOf(Series.SEP) + 1)).toEpochDay();
    }

    /** The median of a review-time histogram (bins of {@link #REVIEW_BOUNDS}), interpolated in its bin. */
    static double median(long[] histogram) {
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        double half = n / 2.0;
        long below = 0;
        for (int i = 0; i < histogram.length; i++) {
            if (below + histogram[i] >= half && histogram[i] > 0) {
                double lo = i == 0 ? 0 : REVIEW_BOUNDS[i - 1];
                double hi = i < REVIEW_BOUNDS.length ? REVIEW_BOUNDS[i] : 2 * REVIEW_BOUNDS[REVIEW_BOUNDS.length - 1];
                return lo + (hi - lo) * (half - below) / histogram[i];
            }
            below += histogram[i];
        }
        return Double.NaN;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf(v.longValue()) : String.format(Locale.ROOT, "%.2f", v);
    }
}
