package org.codingkpi.kpi;

import java.util.Arrays;
import java.util.List;

/**
 * The KPI state layout: one state entry per series group and label combination, its value a
 * {@code double[]} of the group's slots. Grouping metrics that share labels into one entry keeps the
 * store writes per event low (a revision-1 coding updates one entry for coded, recoded and coder
 * seconds instead of three). Keys are the group's one-letter tag followed by the label values,
 * separated by U+001F, which never occurs in a label value (it is replaced on the way in).
 *
 * <p>Claim money is kept in cents and claim and turnaround durations in milliseconds: exact
 * integers, so sums do not depend on the order in which the partitions of the claims repartition
 * topic were interleaved, and a replay is reproducible to the last digit.
 */
public enum Series {
    /** [discharged] */
    DISCHARGED('D', 1, "facility", "setting", "specialty"),
    /** [coded (revision 1), recoded (revision > 1), coder seconds (all revisions)] */
    CODED('C', 3, "facility", "setting", "specialty", "coding_mode"),
    /** histogram of revision-1 turnaround; sum in milliseconds */
    TURNAROUND('T', Buckets.TURNAROUND.length + 2, "facility", "setting", "coding_mode"),
    /** [AI suggestion reviews] */
    AI_SUGGESTIONS('A', 1, "facility", "specialty", "code_system", "model_version", "decision"),
    /** histogram of review seconds */
    AI_REVIEW('R', Buckets.AI_REVIEW.length + 2, "specialty", "decision"),
    /** [final codes of revision-1 codings] */
    FINAL_CODES('F', 1, "facility", "specialty", "code_system", "source"),
    /**
     * [first adjudications paid, first adjudications denied, billed cents of first adjudications, paid cents of every ClaimPaid,
     * billed cents of ORIGINAL ClaimSubmitted, ClaimReversed events, reversed cents]
     */
    CLAIMS('K', 7, "facility", "payer", "setting", "coding_mode"),
    /** [ClaimSubmitted events] (KPIS.md §3b) */
    SUBMITTED('S', 1, "facility", "payer", "setting", "coding_mode", "frequency"),
    /** histogram of bill lag: first non-VOID submission minus the attributed coding's discharge; sum in milliseconds */
    BILL_LAG('G', Buckets.BILL_LAG.length + 2, "facility", "setting"),
    /** [adjustments of initial denials, their cents] by group and CARC */
    DENIAL_REASONS('Q', 2, "payer", "group", "carc"),
    /** histogram of denial-to-resolution time (overturns); sum in milliseconds */
    RESOLUTION('H', Buckets.RESOLUTION.length + 2, "payer", "category"),
    /** [ClaimPaid events whose submission time is unknown] */
    PAYMENT_UNKNOWN('Y', 1, "payer"),
    /** [codes of revision-1 AI_ASSISTED codings] by model version and source (KPIS.md §5 v2: the AI's recall) */
    AI_ASSISTED_CODES('I', 1, "facility", "specialty", "model_version", "code_system", "source"),
    /** [revision-1 AUTONOMOUS codings a mandatory-review rule forbids] */
    OVERSIGHT('B', 1, "facility", "setting", "rule"),
    /** [CodingAudited events] */
    QA_AUDITS('E', 1, "facility", "specialty", "coding_mode", "verdict"),
    /** [|dollar_impact_cents| of CodingAudited] by direction (under: > 0, over: < 0) */
    QA_DOLLARS('q', 1, "facility", "specialty", "coding_mode", "direction"),
    /** [initial denials, billed cents of initial denials] */
    DENIED('X', 2, "facility", "payer", "setting", "coding_mode", "category"),
    /** [overturned initial denials] */
    OVERTURNED('O', 1, "facility", "payer", "category"),
    /** histogram of time to payment, every ClaimPaid; sum in milliseconds */
    PAYMENT('P', Buckets.PAYMENT.length + 2, "payer", "coding_mode"),
    /** [accepted, duplicates] */
    EVENTS('N', 2, "type"),
    /** [records in the dead-letter topic] */
    REJECTED('J', 1, "reason"),
    /** [decisions] per coder (staff ids, KPIS.md §5) */
    CODER_AI('U', 1, "coder", "decision"),
    /** ROI month totals, label "month" = YYYY-MM, see RoiMonthTotals */
    ROI_MONTH('M', org.codingkpi.roi.RoiMonthTotals.SIZE, "month"),
    /** [revision-1 E/M codes per level, slots of compliance.EmLevels] per day ("day" = YYYY-MM-DD), KPIS.md §5 */
    EM_DAY('V', org.codingkpi.kpi.EmLevels.COUNT, "facility", "specialty", "day"),
    /** [AI suggestion decisions, accepted] per day ("day" = YYYY-MM-DD): the acceptance CUSUM of KPIS.md §5 */
    AI_ACCEPTANCE_DAY('W', 2, "specialty", "model_version", "day"),
    /** Task metadata: [value]; label "name" in {stream_time_ms, encounter_stream_time_ms, control_markers, compliance_records} */
    META('Z', 1, "name"),
    /** A label value admitted under the cardinality cap: label "dim|value" */
    LABEL('L', 1, "dimension", "value");

    public static final char SEP = '\u001f';

    private final char tag;
    private final int slots;
    private final List<String> labelNames;
    private final KeyCache keys;
    private static final Series[] BY_TAG = new Series[128];

    static {
        for (Series s : values()) {
            BY_TAG[s.tag] = s;
        }
    }

    Series(char tag, int slots, String... labelNames) {
        this.tag = tag;
        this.slots = slots;
        this.labelNames = List.of(labelNames);
        this.keys = new KeyCache(labelNames.length, this::build);
    }

    public int slots() {
        return slots;
    }

    public List<String> labelNames() {
        return labelNames;
    }

    /** The state key of a label tuple (cached: see {@link KeyCache}). */
    public String key(String a) {
        return keys.get(a);
    }

    public String key(String a, String b) {
        return keys.get(a, b);
    }

    public String key(String a, String b, String c) {
        return keys.get(a, b, c);
    }

    public String key(String a, String b, String c, String d) {
        return keys.get(a, b, c, d);
    }

    public String key(String a, String b, String c, String d, String e) {
        return keys.get(a, b, c, d, e);
    }

    public String key(String... labelValues) {
        return keys.get(labelValues);
    }

    private String build(String[] labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name() + " takes " + labelNames + ", got " + labelValues.length + " values");
        }
        StringBuilder sb = new StringBuilder(48).append(tag);
        for (String v : labelValues) {
            sb.append(SEP);
            appendClean(sb, v);
        }
        return sb.toString();
    }

    /** Appends a label value with control characters (the separator among them) replaced by spaces. */
    public static void appendClean(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            sb.append(c < 0x20 ? ' ' : c);
        }
    }

    /** The group of a state key, or null for keys of no group. */
    public static Series of(String key) {
        if (key.isEmpty()) {
            return null;
        }
        char t = key.charAt(0);
        return t < BY_TAG.length ? BY_TAG[t] : null;
    }

    /** The label values of a state key. */
    public static String[] labels(String key) {
        String[] parts = key.substring(2).split(String.valueOf(SEP), -1);
        return key.length() <= 1 ? new String[0] : parts;
    }

    /** Histogram bucket upper bounds, in seconds. */
    public static final class Buckets {
        private static final double H = 3600, D = 86400;
        public static final double[] TURNAROUND = {H, 4 * H, 12 * H, D, 2 * D, 3 * D, 5 * D, 7 * D, 14 * D, 30 * D};
        public static final double[] AI_REVIEW = {1, 2, 5, 10, 30, 60, 120, 300};
        public static final double[] PAYMENT = {7 * D, 14 * D, 21 * D, 30 * D, 45 * D, 60 * D, 90 * D, 120 * D};
        public static final double[] BILL_LAG = {D, 2 * D, 3 * D, 5 * D, 7 * D, 14 * D, 30 * D, 60 * D};
        public static final double[] RESOLUTION = {7 * D, 14 * D, 30 * D, 45 * D, 60 * D, 90 * D, 120 * D, 180 * D};

        private Buckets() {
        }

        /**
         * Adds one observation to a histogram state array laid out as
         * [count per bucket..., count above the last bound, sum].
         */
        public static void observeMillis(double[] state, double[] bounds, long millis) {
            double seconds = millis / 1000.0;
            int i = Arrays.binarySearch(bounds, seconds);
            state[i >= 0 ? i : -i - 1] += 1;
            state[bounds.length + 1] += millis;
        }

        public static void observe(double[] state, double[] bounds, double value) {
            int i = Arrays.binarySearch(bounds, value);
            int bucket = i >= 0 ? i : -i - 1; // le semantics: value == bound falls in that bucket
            state[bucket] += 1;
            state[bounds.length + 1] += value;
        }
    }
}
