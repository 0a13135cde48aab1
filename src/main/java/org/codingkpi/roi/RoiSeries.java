package org.codingkpi.roi;

/** The four (basis, scenario) pairs of ROI.md: realized/actual and projected/{conservative, expected, aggressive}. */
public enum RoiSeries {
    REALIZED("realized", "actual", "Realized"),
    CONSERVATIVE("projected", "conservative", "Conservative (projected)"),
    EXPECTED("projected", "expected", "Expected (projected)"),
    AGGRESSIVE("projected", "aggressive", "Aggressive (projected)");

    private final String basis;
    private final String scenario;
    private final String title;

    RoiSeries(String basis, String scenario, String title) {
        this.basis = basis;
        this.scenario = scenario;
        this.title = title;
    }

    /** The {@code basis} label value. */
    public String basis() {
        return basis;
    }

    /** The {@code scenario} label value; for a projected series also its key in the configuration. */
    public String scenario() {
        return scenario;
    }

    /** A human title for reports. */
    public String title() {
        return title;
    }

    public boolean isRealized() {
        return this == REALIZED;
    }
}
