package org.codingkpi.kpi;

/**
 * A claim's attribution (KPIS.md §1): setting and coding mode of the first revision-1 coding of its
 * encounter, and the encounter feed's stream time just before that coding ({@code feedTimeBeforeMs}):
 * a claim whose wait would have run out before it ({@code feedTimeBeforeMs > claim start + max wait})
 * is {@link #UNKNOWN}, whichever topic Kafka Streams drained first. {@code dischargedAtMs} is that
 * coding's discharged_at (the start of the bill lag, KPIS.md §3b).
 */
public record Attribution(String setting, String codingMode, long feedTimeBeforeMs, long dischargedAtMs) {
    public static final Attribution UNKNOWN = new Attribution("unknown", "unknown", Long.MIN_VALUE, Long.MIN_VALUE);

    public boolean known() {
        return !UNKNOWN.equals(this);
    }

    /** AI modes (ROI.md): AI_ASSISTED and AUTONOMOUS. */
    public boolean aiMode() {
        return "AI_ASSISTED".equals(codingMode) || "AUTONOMOUS".equals(codingMode);
    }
}
