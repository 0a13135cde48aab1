package org.codingkpi.compliance;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.OversightRule;

import java.time.Duration;
import java.time.LocalDate;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The thresholds and windows of the compliance monitoring (shared/spec/KPIS.md §5), read from the
 * pipeline configuration ({@code run --config}, {@code replay --set}); the defaults are the contract's.
 * See docs/compliance.md for what each one means.
 *
 * @param windowDays           {@code drift.window}: the rolling window of the E/M shares and of the coder rule, whole days
 * @param baseline             {@code drift.baseline}: the E/M baseline period
 * @param psiThreshold         {@code drift.psi.threshold}: an E/M level shift finding at or above it
 * @param psiMinCodes          {@code drift.psi.min.codes}: E/M codes needed in the baseline and in the window before a PSI is published
 * @param cusumK               {@code drift.cusum.k}: the CUSUM allowance, in standard deviations
 * @param cusumH               {@code drift.cusum.h}: the CUSUM alarm level, in standard deviations
 * @param cusumBaselineDays    {@code drift.cusum.baseline.days}: days of a model version that make its baseline
 * @param cusumMinDaily        {@code drift.cusum.min.daily}: decisions a day needs to count in the CUSUM
 * @param cusumMinSigma        {@code drift.cusum.min.sigma}: the smallest σ of a daily acceptance rate the CUSUM uses
 * @param coderAcceptance      {@code audit.coder.acceptance}: the rubber-stamping acceptance rate (at or above)
 * @param coderReviewSeconds   {@code audit.coder.review.seconds}: the rubber-stamping median review time (below)
 * @param coderMinSuggestions  {@code audit.coder.min.suggestions}: decisions in the window the coder rule needs
 * @param sampleSize           {@code audit.sample.size}: encounter ids in a finding's evidence
 * @param graceMs              {@code drift.grace}: how long after a day's end (in every partition's stream time) it is evaluated
 * @param oversightRules       {@code oversight.rules.file}: the mandatory-review rules (KPIS.md §5 v2; the defaults without a file)
 * @param oversightReviewDays  {@code audit.oversight.review.days}: days of stream time an oversight-breach finding stays open
 *                             (the time given to review the case) before it is closed; 0 keeps it open until forgotten
 *                             with the other findings (never, for an open one: use 0 only with few breaches)
 */
public record ComplianceConfig(int windowDays, Baseline baseline, double psiThreshold, long psiMinCodes,
                               double cusumK, double cusumH, int cusumBaselineDays, long cusumMinDaily, double cusumMinSigma,
                               double coderAcceptance, double coderReviewSeconds, long coderMinSuggestions,
                               int sampleSize, long graceMs, List<OversightRule> oversightRules, int oversightReviewDays) {

    public static final String WINDOW = "drift.window";
    public static final String BASELINE = "drift.baseline";
    public static final String PSI_THRESHOLD = "drift.psi.threshold";
    public static final String PSI_MIN_CODES = "drift.psi.min.codes";
    public static final String CUSUM_K = "drift.cusum.k";
    public static final String CUSUM_H = "drift.cusum.h";
    public static final String CUSUM_BASELINE_DAYS = "drift.cusum.baseline.days";
    public static final String CUSUM_MIN_DAILY = "drift.cusum.min.daily";
    public static final String CUSUM_MIN_SIGMA = "drift.cusum.min.sigma";
    public static final String GRACE = "drift.grace";
    public static final String CODER_ACCEPTANCE = "audit.coder.acceptance";
    public static final String CODER_REVIEW_SECONDS = "audit.coder.review.seconds";
    public static final String CODER_MIN_SUGGESTIONS = "audit.coder.min.suggestions";
    public static final String SAMPLE_SIZE = "audit.sample.size";
    public static final String OVERSIGHT_REVIEW_DAYS = "audit.oversight.review.days";

    /** The defaults, as shared/spec/KPIS.md §5 gives them where it does. */
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(WINDOW, "28d"),
            Map.entry(BASELINE, "28d"),
            Map.entry(PSI_THRESHOLD, "0.25"),
            Map.entry(PSI_MIN_CODES, "400"),
            Map.entry(CUSUM_K, "0.5"),
            Map.entry(CUSUM_H, "5"),
            Map.entry(CUSUM_BASELINE_DAYS, "28"),
            Map.entry(CUSUM_MIN_DAILY, "30"),
            Map.entry(CUSUM_MIN_SIGMA, "0.06"),
            Map.entry(GRACE, "1h"),
            Map.entry(CODER_ACCEPTANCE, "0.98"),
            Map.entry(CODER_REVIEW_SECONDS, "3"),
            Map.entry(CODER_MIN_SUGGESTIONS, "200"),
            Map.entry(SAMPLE_SIZE, "20"),
            Map.entry(OVERSIGHT_REVIEW_DAYS, "30"));

    static final long DAY_MS = 86_400_000L;

    public ComplianceConfig {
        if (windowDays < 1 || cusumBaselineDays < 2 || sampleSize < 0 || graceMs < 0) {
            throw new IllegalArgumentException("compliance settings out of range");
        }
        oversightRules = List.copyOf(oversightRules);
    }

    public static ComplianceConfig defaults() {
        return from(DEFAULTS::get);
    }

    /** A bad {@code oversight.rules.file} is an error at start naming the rule and key ({@link OversightRule#load}). */
    public static ComplianceConfig from(PipelineConfig config) {
        return from(key -> config.get(key) != null ? config.get(key) : DEFAULTS.get(key));
    }

    /** From any settings map (e.g. {@code replay --set}); missing keys take their defaults. */
    public static ComplianceConfig from(Map<String, String> settings) {
        return from(key -> settings.getOrDefault(key, DEFAULTS.get(key)));
    }

    /** These settings with other mandatory-review rules. */
    public ComplianceConfig withOversightRules(List<OversightRule> rules) {
        return new ComplianceConfig(windowDays, baseline, psiThreshold, psiMinCodes, cusumK, cusumH, cusumBaselineDays, cusumMinDaily,
                cusumMinSigma, coderAcceptance, coderReviewSeconds, coderMinSuggestions, sampleSize, graceMs, rules, oversightReviewDays);
    }

    private static ComplianceConfig from(Function<String, String> get) {
        String rulesFile = get.apply(PipelineConfig.OVERSIGHT_RULES_FILE);
        return new ComplianceConfig(
                wholeDays(WINDOW, get.apply(WINDOW)),
                Baseline.parse(get.apply(BASELINE)),
                number(PSI_THRESHOLD, get.apply(PSI_THRESHOLD), 0, Double.MAX_VALUE),
                (long) number(PSI_MIN_CODES, get.apply(PSI_MIN_CODES), 1, Long.MAX_VALUE),
                number(CUSUM_K, get.apply(CUSUM_K), 0, 100),
                number(CUSUM_H, get.apply(CUSUM_H), 0, 1e6),
                (int) number(CUSUM_BASELINE_DAYS, get.apply(CUSUM_BASELINE_DAYS), 2, 3650),
                (long) number(CUSUM_MIN_DAILY, get.apply(CUSUM_MIN_DAILY), 1, Long.MAX_VALUE),
                number(CUSUM_MIN_SIGMA, get.apply(CUSUM_MIN_SIGMA), 0, 1),
                number(CODER_ACCEPTANCE, get.apply(CODER_ACCEPTANCE), 0, 1),
                number(CODER_REVIEW_SECONDS, get.apply(CODER_REVIEW_SECONDS), 0, 1e6),
                (long) number(CODER_MIN_SUGGESTIONS, get.apply(CODER_MIN_SUGGESTIONS), 1, Long.MAX_VALUE),
                (int) number(SAMPLE_SIZE, get.apply(SAMPLE_SIZE), 0, 1000),
                PipelineConfig.parseDuration(GRACE, get.apply(GRACE)).toMillis(),
                rulesFile == null || rulesFile.isBlank() ? OversightRule.DEFAULTS : OversightRule.load(Path.of(rulesFile)),
                (int) number(OVERSIGHT_REVIEW_DAYS, get.apply(OVERSIGHT_REVIEW_DAYS), 0, 3650));
    }

    /** The first day of the rolling window that ends with {@code day} (inclusive). */
    long windowStart(long day) {
        return day - windowDays + 1;
    }

    private static int wholeDays(String key, String raw) {
        Duration d = PipelineConfig.parseDuration(key, raw);
        if (d.toMillis() % DAY_MS != 0 || d.toDays() < 1) {
            throw new IllegalArgumentException(key + ": expected whole days (e.g. 28d), got \"" + raw + "\"");
        }
        return (int) d.toDays();
    }

    private static double number(String key, String raw, double min, double max) {
        try {
            double v = Double.parseDouble(raw.trim());
            if (!(v >= min && v <= max)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": expected a number in [" + min + ", " + max + "], got \"" + raw + "\"");
        }
    }

    /**
     * The E/M baseline period: the first {@code days} days of each facility and specialty (from the
     * day its first E/M code was seen), or fixed dates for every scope.
     *
     * @param days      length of a per-scope baseline (when {@code fromDay} is null)
     * @param fromDay   first epoch day of a fixed baseline, or null
     * @param untilDay  epoch day after the last of a fixed baseline
     */
    public record Baseline(int days, Long fromDay, Long untilDay) {

        /** {@code 28d}, or {@code 2026-01-01/2026-01-29} (UTC dates, end exclusive). */
        static Baseline parse(String raw) {
            String s = raw == null ? "" : raw.trim();
            int slash = s.indexOf('/');
            if (slash > 0) {
                try {
                    long from = LocalDate.parse(s.substring(0, slash).trim()).toEpochDay();
                    long until = LocalDate.parse(s.substring(slash + 1).trim()).toEpochDay();
                    if (until <= from) {
                        throw new IllegalArgumentException(BASELINE + ": the end date must be after the start date, got \"" + raw + "\"");
                    }
                    return new Baseline((int) (until - from), from, until);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(BASELINE + ": expected 28d or 2026-01-01/2026-01-29, got \"" + raw + "\"");
                }
            }
            return new Baseline(wholeDays(BASELINE, s), null, null);
        }

        /** First day of the baseline of a scope first seen on {@code firstDay}. */
        long start(long firstDay) {
            return fromDay != null ? fromDay : firstDay;
        }

        /** The day after the baseline's last day. */
        long end(long firstDay) {
            return fromDay != null ? untilDay : firstDay + days;
        }
    }
}
