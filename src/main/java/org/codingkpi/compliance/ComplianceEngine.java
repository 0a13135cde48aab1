package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingScope;
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
    /** The finding-id prefix of an acceptance collapse (the lower CUSUM of an acceptance scope). */
    static final String COLLAPSE_SLUG = "acceptance-collapse";

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

    /**
     * Counts an observation into its scope's day; an oversight breach instead raises its finding at
     * once and returns it (once: a breach of an encounter and rule already raised returns nothing).
     */
    List<AuditFinding> observe(String scopeKey, Observation o) {
        Scope scope = Scope.of(scopeKey);
        if (o.type() == Observation.BREACH) {
            return breach(o);
        }
        long day = o.day();
        ScopeState st = scopes.get(scopeKey);
        if (st == null) {
            scopes.put(scopeKey, new ScopeState(day));
        } else if (day < st.firstDay && st.evaluated) {
            return List.of(); // dated before a scope whose baseline is already being used: it would move the baseline
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
        return List.of();
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
                } else {
                    r.sample(1, k).add(o.encounterId()); // the evidence of a collapse
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
            case OVERSIGHT -> throw new IllegalArgumentException("an oversight breach is not counted by day");
        }
    }

    static int slots(Scope scope) {
        return switch (scope) {
            case ACCEPTANCE -> 2;
            case CODER -> HISTOGRAM + REVIEW_BOUNDS.length + 1;
            case EM -> EmLevels.COUNT;
            case OVERSIGHT -> 0;
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
            // nothing to evaluate by day (and no day to start from yet); oversight breaches may be due
            List<AuditFinding> out = new ArrayList<>();
            closeReviewedBreaches(lastDay, out);
            return out;
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
            closeReviewedBreaches(d, out);
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
                out.add(close(st, true, d, null, "no data for " + config.windowDays() + " days"));
            }
            if (st.downFindingId != null) {
                out.add(close(st, false, d, null, "no data for " + config.windowDays() + " days"));
            }
            byDay.keySet().forEach(day -> days.delete(dayKey(scopeKey, day)));
            scopes.delete(scopeKey);
            return;
        }
        SortedMap<Long, DayRecord> upTo = byDay.headMap(d + 1);
        boolean changed = !st.evaluated;
        st.evaluated = true;
        switch (scope) {
            case ACCEPTANCE -> {
                SortedMap<Long, double[]> counts = new TreeMap<>();
                upTo.forEach((day, r) -> counts.put(day, r.countsAsDoubles()));
                AcceptanceCusum.Result r = AcceptanceCusum.run(counts, config.cusumBaselineDays(), config.cusumMinDaily(),
                        config.cusumK(), config.cusumMinSigma());
                changed |= episode(scopeKey, scope, st, true, acceptance(scopeKey, r, upTo, d, true), d, out);
                changed |= episode(scopeKey, scope, st, false, acceptance(scopeKey, r, upTo, d, false), d, out);
            }
            case CODER -> changed |= episode(scopeKey, scope, st, true, coder(scopeKey, upTo, d), d, out);
            case EM -> changed |= episode(scopeKey, scope, st, true, em(scopeKey, st, upTo, d), d, out);
            default -> throw new IllegalStateException("not an evaluated scope: " + scope);
        }
        if (changed) {
            scopes.put(scopeKey, st);
        }
        prune(scopeKey, scope, st, byDay, d);
    }

    /**
     * Opens or closes the episode of one statistic of a scope: the scope's own ({@code primary}) or,
     * for an acceptance scope, the lower CUSUM's (an acceptance collapse). Returns whether the scope
     * state changed.
     */
    private boolean episode(String scopeKey, Scope scope, ScopeState st, boolean primary, Verdict v, long d, List<AuditFinding> out) {
        String openId = primary ? st.openFindingId : st.downFindingId;
        if (openId != null) {
            if (v.outcome() == Outcome.HOLDS && v.value() > (primary ? st.peak : st.downPeak)) {
                if (primary) {
                    st.peak = v.value();
                } else {
                    st.downPeak = v.value();
                }
                return true;
            } else if (v.outcome() == Outcome.CLEAR) {
                out.add(close(st, primary, d, v.value(), null));
                return true;
            }
            return false;
        }
        if (v.outcome() != Outcome.HOLDS) {
            return false;
        }
        FindingKind kind = primary ? scope.kind() : FindingKind.ACCEPTANCE_COLLAPSE;
        String slug = primary ? scope.slug() : COLLAPSE_SLUG;
        AuditFinding f = v.evidence()
                .setFindingId(slug + "/" + String.join("/", Scope.labels(scopeKey)) + "/" + LocalDate.ofEpochDay(d))
                .setKind(kind).setStatus(FindingStatus.OPEN).setScope(scope.findingScope(scopeKey))
                .setRaisedAt(Instant.ofEpochMilli((d + 1) * DAY)).setClosedAt(null)
                .setThreshold(threshold(scope)).setValue(v.value()).setPeak(v.value()).setClosedValue(null)
                .build();
        findings.put(f.getFindingId(), f);
        if (primary) {
            st.openFindingId = f.getFindingId();
            st.peak = v.value();
        } else {
            st.downFindingId = f.getFindingId();
            st.downPeak = v.value();
        }
        out.add(f);
        return true;
    }

    private AuditFinding close(ScopeState st, long d, Double value, String reason) {
        return close(st, true, d, value, reason);
    }

    private AuditFinding close(ScopeState st, boolean primary, long d, Double value, String reason) {
        AuditFinding open = findings.get(primary ? st.openFindingId : st.downFindingId);
        String why = reason != null ? reason
                : String.format(Locale.ROOT, "%s %s, back under %s", open.getStatistic(), num(value), num(open.getThreshold()));
        AuditFinding closed = AuditFinding.newBuilder(open).setStatus(FindingStatus.CLOSED)
                .setClosedAt(Instant.ofEpochMilli((d + 1) * DAY)).setClosedValue(value).setPeak(primary ? st.peak : st.downPeak)
                .setSummary(open.getSummary() + " Closed " + LocalDate.ofEpochDay(d) + ": " + why + ".")
                .build();
        findings.put(closed.getFindingId(), closed);
        if (primary) {
            st.openFindingId = null;
            st.peak = 0;
        } else {
            st.downFindingId = null;
            st.downPeak = 0;
        }
        return closed;
    }

    private double threshold(Scope scope) {
        return switch (scope) {
            case ACCEPTANCE -> config.cusumH();
            case CODER -> config.coderAcceptance();
            case EM -> config.psiThreshold();
            case OVERSIGHT -> 0;
        };
    }

    /**
     * One direction of the acceptance CUSUMs: {@code up}, a rise (rubber-stamping, an over-trusted model);
     * down, a collapse (a model that got worse, coders who stopped trusting it).
     */
    private Verdict acceptance(String scopeKey, AcceptanceCusum.Result r, SortedMap<Long, DayRecord> upTo, long d, boolean up) {
        if (!r.ready()) {
            return Verdict.unknown();
        }
        double value = r.value(up);
        if (value <= config.cusumH()) {
            return Verdict.clear(value);
        }
        long runStartDay = r.runStartDay(up);
        long decisions = 0;
        long accepted = 0;
        int runDays = 0;
        Sample sample = new Sample(config.sampleSize());
        // the evidence: accepted suggestions for a rise, the others (rejected or modified) for a collapse
        int slot = up ? 0 : 1;
        for (Map.Entry<Long, DayRecord> e : upTo.tailMap(runStartDay).entrySet()) {
            DayRecord day = e.getValue();
            if (day.counts[DECISIONS] >= config.cusumMinDaily()) {
                decisions += day.counts[DECISIONS];
                accepted += day.counts[ACCEPTED];
                runDays++;
                Sample s = day.samples.get(slot);
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
                "AI acceptance for %s on model %s %s: %s of %d decisions accepted in the %d days since %s, against %s in the "
                        + "model version's baseline (%s to %s, σ %.1f points a day); %s CUSUM %.1fσ above the %.1fσ alarm.",
                l[0], l[1], up ? "drifted up" : "collapsed (drifted down)", pct(rate), decisions, runDays,
                LocalDate.ofEpochDay(runStartDay), pct(r.mean()),
                LocalDate.ofEpochDay(r.baselineFirstDay()), LocalDate.ofEpochDay(r.baselineLastDay()),
                100 * r.sigmaAtMeanVolume(), up ? "upper" : "lower", value, config.cusumH());
        AuditFinding.Builder b = AuditFinding.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(runStartDay * DAY)).setWindowEnd(Instant.ofEpochMilli((d + 1) * DAY))
                .setBaselineStart(Instant.ofEpochMilli(r.baselineFirstDay() * DAY))
                .setBaselineEnd(Instant.ofEpochMilli((r.baselineLastDay() + 1) * DAY))
                .setStatistic("cusum_sigma").setCounts(c).setObserved(observed).setBaseline(baseline)
                .setSampleEncounterIds(sample.ids())
                .setEvidence("encounters with " + (up ? "an accepted" : "a rejected or modified")
                        + " suggestion of this specialty and model version since the CUSUM left zero "
                        + "(a deterministic sample, within the last " + config.windowDays() + " days)")
                .setSummary(summary);
        return new Verdict(Outcome.HOLDS, value, b);
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

    // --- oversight breaches -----------------------------------------------------------------------

    /**
     * Raises the finding of an oversight breach at once: OPEN, raised at the coding's occurred_at, the
     * encounter id as the evidence sample, the rule and setting in the scope, the charge in the counts.
     * Its id is the rule, the day and a digest of the encounter id (never the id itself: finding ids
     * appear in log lines), so a redelivered or repeated breach of an encounter and rule raises nothing.
     */
    private List<AuditFinding> breach(Observation o) {
        Observation.Breach b = o.breach();
        String id = Scope.OVERSIGHT.slug() + "/" + b.rule() + "/" + LocalDate.ofEpochDay(o.day()) + "/" + digest(o.encounterId() + '\u001f' + b.rule());
        if (findings.get(id) != null) {
            return List.of();
        }
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("charge_cents", b.chargeCents());
        Map<String, Double> observed = new LinkedHashMap<>();
        observed.put("charge_dollars", b.chargeCents() / 100.0);
        Map<String, Double> baseline = new LinkedHashMap<>();
        if (b.ruleMinChargeCents() != null) {
            baseline.put("rule_min_charge_dollars", b.ruleMinChargeCents() / 100.0);
        }
        double threshold = b.ruleMinChargeCents() == null ? 0 : b.ruleMinChargeCents() / 100.0;
        String summary = String.format(Locale.ROOT,
                "An encounter at %s (%s, %s) was coded AUTONOMOUSLY on %s by model %s although the mandatory-review rule '%s' "
                        + "requires a human coder to review it (charge $%,.2f); the encounter id is in the evidence.",
                b.facility(), b.setting(), b.specialty(), LocalDate.ofEpochDay(o.day()),
                b.modelVersion() == null ? "unknown" : b.modelVersion(), b.rule(), b.chargeCents() / 100.0);
        AuditFinding f = AuditFinding.newBuilder()
                .setFindingId(id).setKind(FindingKind.OVERSIGHT_BREACH).setStatus(FindingStatus.OPEN)
                .setScope(FindingScope.newBuilder().setFacility(b.facility()).setSpecialty(b.specialty())
                        .setModelVersion(b.modelVersion()).setCoder(null).setSetting(b.setting()).setRule(b.rule()).build())
                .setRaisedAt(Instant.ofEpochMilli(o.timeMs())).setClosedAt(null)
                .setWindowStart(Instant.ofEpochMilli(o.day() * DAY)).setWindowEnd(Instant.ofEpochMilli((o.day() + 1) * DAY))
                .setBaselineStart(null).setBaselineEnd(null)
                .setStatistic("charge_dollars").setValue(b.chargeCents() / 100.0).setThreshold(threshold)
                .setPeak(b.chargeCents() / 100.0).setClosedValue(null)
                .setCounts(c).setObserved(observed).setBaseline(baseline)
                .setSampleEncounterIds(new ArrayList<>(List.of(o.encounterId())))
                .setEvidence("the encounter coded autonomously against the rule '" + b.rule() + "'")
                .setSummary(summary)
                .build();
        findings.put(id, f);
        return List.of(f);
    }

    /**
     * Closes the oversight-breach findings raised {@code audit.oversight.review.days} before the end of
     * day {@code d}: the time given to review the case has passed (the pipeline cannot see the review
     * itself; the audit topic keeps the case). 0 days: they stay open.
     */
    private void closeReviewedBreaches(long d, List<AuditFinding> out) {
        if (config.oversightReviewDays() <= 0) {
            return;
        }
        long due = (d + 1 - config.oversightReviewDays()) * DAY;
        List<String> ids = new ArrayList<>(findings.keys());
        ids.sort(null);
        for (String id : ids) {
            AuditFinding f = findings.get(id);
            if (f.getKind() == FindingKind.OVERSIGHT_BREACH && f.getStatus() == FindingStatus.OPEN
                    && f.getRaisedAt().toEpochMilli() <= due) {
                AuditFinding closed = AuditFinding.newBuilder(f).setStatus(FindingStatus.CLOSED)
                        .setClosedAt(Instant.ofEpochMilli((d + 1) * DAY)).setClosedValue(f.getValue())
                        .setSummary(f.getSummary() + " Closed " + LocalDate.ofEpochDay(d) + ": the review period of "
                                + config.oversightReviewDays() + " days has passed.")
                        .build();
                findings.put(id, closed);
                out.add(closed);
            }
        }
    }

    static String digest(String s) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
