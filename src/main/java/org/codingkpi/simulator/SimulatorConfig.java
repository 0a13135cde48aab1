package org.codingkpi.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the {@link Simulator} simulates: an immutable value, built with {@link #builder()} or one of
 * the presets {@link #defaults()} (a clean feed) and {@link #messy()} (duplicates, late and invalid
 * lines, as real upstream feeds have).
 *
 * @param seed             seed of every random choice: same seed and config, same output, byte for byte
 * @param start            first instant of the simulated period (discharges start here)
 * @param days             length of the period; no event is delivered at or after {@code start + days}
 * @param encountersPerDay mean discharges per day over a week (weekdays busier than weekends)
 * @param facilities       number of facilities (1..8 named, e.g. {@code FAC-NORTH}; more get numbered names)
 * @param coders           number of coders on staff (ids {@code C001}, ...); at least 3
 * @param goLive           AI go-live: everything is coded MANUAL before it
 * @param pilotDays        days after go-live during which only the pilot specialties use AI
 * @param expansionDays    days after the pilot during which AI is rolled out to every specialty
 * @param duplicateRate    probability that a delivered event is delivered again later (same event_id)
 * @param lateRate         probability that an event is delivered hours to days after its occurred_at
 * @param invalidRate      probability that an event is accompanied by an invalid line
 * @param scenario         the anomaly injected for the compliance monitoring ({@link Scenario#NONE}: none)
 * @param scenarioStart    when the scenario's anomaly starts
 * @param version2         also the version-2 events of EVENTS.md: ClaimSubmitted (with VOID and
 *                         REPLACEMENT), ClaimReversed, CodingAudited, remittances with adjustments
 *                         and sometimes no submitted_at, model_version on AI codings; claims in
 *                         daily batches and remittances on day boundaries, as X12 carries them
 */
public record SimulatorConfig(
        long seed,
        Instant start,
        int days,
        int encountersPerDay,
        int facilities,
        int coders,
        Instant goLive,
        int pilotDays,
        int expansionDays,
        double duplicateRate,
        double lateRate,
        double invalidRate,
        Scenario scenario,
        Instant scenarioStart,
        boolean version2) {

    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    public static final long DEFAULT_SEED = 42L;

    public SimulatorConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(goLive, "goLive");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(scenarioStart, "scenarioStart");
        if (days < 1) {
            throw new IllegalArgumentException("days must be >= 1");
        }
        if (encountersPerDay < 1) {
            throw new IllegalArgumentException("encountersPerDay must be >= 1");
        }
        if (facilities < 1) {
            throw new IllegalArgumentException("facilities must be >= 1");
        }
        if (coders < 3) {
            throw new IllegalArgumentException("coders must be >= 3");
        }
        if (pilotDays < 0 || expansionDays < 0) {
            throw new IllegalArgumentException("pilotDays and expansionDays must be >= 0");
        }
        checkRate("duplicateRate", duplicateRate);
        checkRate("lateRate", lateRate);
        checkRate("invalidRate", invalidRate);
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1)");
        }
    }

    /** The end of the simulated period (exclusive). */
    public Instant end() {
        return start.plus(Duration.ofDays(days));
    }

    /** A clean feed: seed 42, from 2026-01-01, 90 days, 1000 encounters a day, 3 facilities, 36 coders. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    /** The defaults with 1 % duplicates, 2 % late deliveries and 0.5 % invalid lines. */
    public static SimulatorConfig messy() {
        return builder().messy().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.start = start;
        b.days = days;
        b.encountersPerDay = encountersPerDay;
        b.facilities = facilities;
        b.coders = coders;
        b.goLive = goLive;
        b.pilotDays = pilotDays;
        b.expansionDays = expansionDays;
        b.duplicateRate = duplicateRate;
        b.lateRate = lateRate;
        b.invalidRate = invalidRate;
        b.scenario = scenario;
        b.scenarioStart = scenarioStart;
        b.version2 = version2;
        return b;
    }

    /**
     * Builder; {@code goLive} defaults to {@code start + 30 days} and {@code scenarioStart} to
     * {@code goLive + 15 days} when not set.
     */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private Instant start = DEFAULT_START;
        private int days = 90;
        private int encountersPerDay = 1000;
        private int facilities = 3;
        private int coders = 36;
        private Instant goLive;
        private int pilotDays = 30;
        private int expansionDays = 60;
        private double duplicateRate;
        private double lateRate;
        private double invalidRate;
        private Scenario scenario = Scenario.NONE;
        private Instant scenarioStart;
        private boolean version2;

        private Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        public Builder days(int days) {
            this.days = days;
            return this;
        }

        public Builder encountersPerDay(int encountersPerDay) {
            this.encountersPerDay = encountersPerDay;
            return this;
        }

        public Builder facilities(int facilities) {
            this.facilities = facilities;
            return this;
        }

        public Builder coders(int coders) {
            this.coders = coders;
            return this;
        }

        /** AI go-live; null means {@code start + 30 days}. */
        public Builder goLive(Instant goLive) {
            this.goLive = goLive;
            return this;
        }

        public Builder pilotDays(int pilotDays) {
            this.pilotDays = pilotDays;
            return this;
        }

        public Builder expansionDays(int expansionDays) {
            this.expansionDays = expansionDays;
            return this;
        }

        public Builder duplicateRate(double duplicateRate) {
            this.duplicateRate = duplicateRate;
            return this;
        }

        public Builder lateRate(double lateRate) {
            this.lateRate = lateRate;
            return this;
        }

        public Builder invalidRate(double invalidRate) {
            this.invalidRate = invalidRate;
            return this;
        }

        public Builder scenario(Scenario scenario) {
            this.scenario = scenario;
            return this;
        }

        /** When the scenario's anomaly starts; null means {@code goLive + 15 days}. */
        public Builder scenarioStart(Instant scenarioStart) {
            this.scenarioStart = scenarioStart;
            return this;
        }

        /** Version-2 events as well (default: version 1 only). */
        public Builder version2(boolean version2) {
            this.version2 = version2;
            return this;
        }

        /** 1 % duplicates, 2 % late deliveries, 0.5 % invalid lines. */
        public Builder messy() {
            return duplicateRate(0.01).lateRate(0.02).invalidRate(0.005);
        }

        /** No duplicates, no late deliveries, no invalid lines. */
        public Builder clean() {
            return duplicateRate(0).lateRate(0).invalidRate(0);
        }

        public SimulatorConfig build() {
            Objects.requireNonNull(start, "start");
            Instant live = goLive != null ? goLive : start.plus(Duration.ofDays(30));
            return new SimulatorConfig(seed, start, days, encountersPerDay, facilities, coders, live, pilotDays,
                    expansionDays, duplicateRate, lateRate, invalidRate, scenario,
                    scenarioStart != null ? scenarioStart : live.plus(Duration.ofDays(15)), version2);
        }
    }
}
