package org.codingkpi.simulator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An anomaly the simulation can inject for the compliance monitoring (docs/compliance.md), from the
 * configured scenario start. {@link #NONE}, the default, is a clean department: nothing an auditor
 * should be called for.
 */
public enum Scenario {
    /** A clean department. */
    NONE("none", "a clean department"),
    /**
     * Model version {@code coder-llm-2.0} rolls out on the scenario day; after four weeks of normal
     * reviews coders come to trust it, and over the next four weeks its acceptance climbs from about
     * 80 % to 97 % while review times collapse from about 8 s to 2 s. One professional-fee coder
     * ({@code C030} with the default staff) rubber-stamps every AI suggestion from the go-live.
     */
    RUBBER_STAMP("rubber-stamp", "a model version whose acceptance climbs while review times collapse; one coder rubber-stamps"),
    /** From the scenario day, the office visits of FAC-NORTH drift toward 99214/99215 over three weeks. */
    EM_DRIFT("em-drift", "one facility's office E/M mix drifts toward 99214/99215"),
    /** From the scenario day, payer UHC denies five times as many claims for coding reasons. */
    DENIAL_SPIKE("denial-spike", "one payer's coding denials spike"),
    /**
     * Model version {@code coder-llm-2.1} rolls out on the scenario day and works as well as its
     * predecessor for four weeks (its baseline); over the next three weeks it degrades: acceptance of
     * its suggestions falls from about 80 % to 55 %, rejections double, and it suggests fewer of the
     * final codes (recall from about 85 % to 60 %: coders add the rest by hand). AI codings carry
     * their model version.
     */
    DEGRADING_MODEL("degrading-model", "a new model version whose acceptance and recall fall after four weeks"),
    /**
     * From the scenario day the autonomous coding engine is misrouted: about 3 % of inpatient
     * encounters and of encounters with an expected charge of $25,000 or more are coded
     * AUTONOMOUSLY, which the default mandatory-review rules forbid. AI codings carry their model
     * version.
     */
    OVERSIGHT_BREACH("oversight-breach", "autonomous coding of inpatient and high-dollar encounters");

    private final String label;
    private final String description;

    Scenario(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The name on the command line. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** By its command-line name ({@code rubber-stamp}) or enum name. */
    public static Scenario parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Scenario s : values()) {
            if (s.label.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario \"" + name + "\"; one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Scenario::label).collect(Collectors.joining(", "));
    }
}
