package org.codingkpi.roi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.codingkpi.events.Setting;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ROI configuration of shared/spec/ROI.md: one YAML file of exactly that shape, every key optional with
 * the default documented there. Load it with {@link #load(Path)}; a wrong value, an unknown key or bad YAML is
 * a {@link RoiConfigException} naming the key path and the expected form.
 *
 * <p>The record constructors do not validate (the sensitivity analysis varies values by ±20 %); the loader
 * and {@link #defaults()} do.
 *
 * @param goLive              month k = 0 is the calendar month (UTC) containing it
 * @param coderHourlyCost     fully loaded dollars per coder hour
 * @param reworkCostPerDenial dollars to work one denied claim
 * @param costOfCapitalAnnual annual cost of capital, a fraction (0.06 = 6 %)
 * @param scenarios           conservative, expected, aggressive, in that order
 * @param measurement         {@code baseline.use} and {@code baseline.measure_months} (ROI.md version 2)
 */
public record RoiConfig(LocalDate goLive,
                        double coderHourlyCost,
                        double reworkCostPerDenial,
                        double costOfCapitalAnnual,
                        Baseline baseline,
                        ProgramCosts programCosts,
                        Map<String, Scenario> scenarios,
                        Measurement measurement) {

    /** The scenario names of ROI.md, in display order. */
    public static final List<String> SCENARIO_NAMES = List.of("conservative", "expected", "aggressive");

    /**
     * @param minutesPerEncounter baseline coder minutes per encounter, by setting
     * @param codingDenialRate    coding-category initial denials / first adjudications, before AI
     * @param daysToPayment       mean days from submission to payment, before AI
     */
    public record Baseline(Map<Setting, Double> minutesPerEncounter, double codingDenialRate, double daysToPayment) {
        public Baseline {
            EnumMap<Setting, Double> copy = new EnumMap<>(Setting.class);
            copy.putAll(minutesPerEncounter);
            minutesPerEncounter = Collections.unmodifiableMap(copy);
        }

        /** Baseline coder seconds of one encounter of this setting ({@code base_s} of ROI.md). */
        public double seconds(Setting setting) {
            return minutesPerEncounter.getOrDefault(setting, 0.0) * 60.0;
        }
    }

    /** Which baseline the formulas use ({@code baseline.use}). */
    public enum BaselineUse {
        /** The values of the file. */
        CONFIGURED,
        /** The values measured over the months before go-live; an item without data falls back to the file's. */
        MEASURED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param use           which baseline the formulas use
     * @param measureMonths the calendar months (UTC) before the go-live month that the measured baseline covers, >= 1
     */
    public record Measurement(BaselineUse use, int measureMonths) {
        public static final Measurement DEFAULT = new Measurement(BaselineUse.CONFIGURED, 3);

        public Measurement {
            Objects.requireNonNull(use, "use");
            if (measureMonths < 1) {
                throw new IllegalArgumentException("baseline.measure_months must be >= 1, got " + measureMonths);
            }
        }
    }

    /**
     * @param oneTime implementation, integration, training: booked in month k = 0
     * @param monthly licence and governance, every month k >= 0
     */
    public record ProgramCosts(double oneTime, double monthly) {
        /** Program cost of month k (k >= 0). */
        public double ofMonth(int k) {
            return monthly + (k == 0 ? oneTime : 0.0);
        }
    }

    /**
     * @param rampMonths an integer in the file; a double so that the sensitivity analysis can vary it by ±20 %
     */
    public record Scenario(double productivityGain, double denialReduction, double daysReduction, double rampMonths) {
        /** ramp(k) = min(1, (k + 1) / ramp_months). */
        public double ramp(int k) {
            return Math.min(1.0, (k + 1) / rampMonths);
        }
    }

    /** A configuration with the default measurement (the configured baseline, 3 months measured). */
    public RoiConfig(LocalDate goLive, double coderHourlyCost, double reworkCostPerDenial, double costOfCapitalAnnual,
                     Baseline baseline, ProgramCosts programCosts, Map<String, Scenario> scenarios) {
        this(goLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, baseline, programCosts, scenarios,
                Measurement.DEFAULT);
    }

    public RoiConfig {
        Objects.requireNonNull(goLive, "goLive");
        Objects.requireNonNull(measurement, "measurement");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(programCosts, "programCosts");
        LinkedHashMap<String, Scenario> copy = new LinkedHashMap<>();
        for (String name : SCENARIO_NAMES) {
            Scenario s = scenarios.get(name);
            if (s == null) {
                throw new IllegalArgumentException("scenario " + name + " is missing");
            }
            copy.put(name, s);
        }
        scenarios = Collections.unmodifiableMap(copy);
    }

    private static final RoiConfig DEFAULTS = new RoiConfig(
            LocalDate.of(2026, 1, 1), 42.00, 118.00, 0.06,
            new Baseline(Map.of(Setting.INPATIENT, 25.0, Setting.OUTPATIENT, 8.0, Setting.PROFESSIONAL, 5.0), 0.035, 42.0),
            new ProgramCosts(250_000.00, 35_000.00),
            Map.of("conservative", new Scenario(0.10, 0.10, 1.0, 9),
                    "expected", new Scenario(0.25, 0.25, 3.0, 6),
                    "aggressive", new Scenario(0.40, 0.40, 5.0, 3)));

    /** The defaults of ROI.md (the same values as the shipped {@code roi/default-roi.yaml}). */
    public static RoiConfig defaults() {
        return DEFAULTS;
    }

    /** The month k = 0. */
    public YearMonth goLiveMonth() {
        return YearMonth.from(goLive);
    }

    public Scenario scenario(String name) {
        Scenario s = scenarios.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no scenario " + name + "; expected one of " + SCENARIO_NAMES);
        }
        return s;
    }

    /** The same configuration with another go-live date (the demo sets it relative to the simulator start). */
    public RoiConfig withGoLive(LocalDate newGoLive) {
        return new RoiConfig(newGoLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, baseline,
                programCosts, scenarios, measurement);
    }

    // withers for what-if analyses (not validated)

    public RoiConfig withCoderHourlyCost(double value) {
        return new RoiConfig(goLive, value, reworkCostPerDenial, costOfCapitalAnnual, baseline, programCosts, scenarios, measurement);
    }

    public RoiConfig withReworkCostPerDenial(double value) {
        return new RoiConfig(goLive, coderHourlyCost, value, costOfCapitalAnnual, baseline, programCosts, scenarios, measurement);
    }

    public RoiConfig withBaseline(Baseline value) {
        return new RoiConfig(goLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, value, programCosts, scenarios, measurement);
    }

    public RoiConfig withProgramCosts(ProgramCosts value) {
        return new RoiConfig(goLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, baseline, value, scenarios, measurement);
    }

    public RoiConfig withMeasurement(Measurement value) {
        return new RoiConfig(goLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, baseline, programCosts, scenarios, value);
    }

    public RoiConfig withScenario(String name, Scenario value) {
        scenario(name);   // must exist
        Map<String, Scenario> copy = new LinkedHashMap<>(scenarios);
        copy.put(name, value);
        return new RoiConfig(goLive, coderHourlyCost, reworkCostPerDenial, costOfCapitalAnnual, baseline, programCosts, copy, measurement);
    }

    // --- loading -------------------------------------------------------------------------------------

    /** Loads a ROI file; keys left out take the defaults of ROI.md. */
    public static RoiConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RoiConfigException("ROI config " + file + ": no such file", e);
        } catch (IOException e) {
            throw new RoiConfigException("ROI config " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Loads a ROI file shipped on the class path, e.g. {@code /roi/demo-roi.yaml}. */
    public static RoiConfig loadResource(String resource) {
        try (InputStream in = RoiConfig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new RoiConfigException("", "ROI config " + resource + ": no such resource on the class path");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shipped demo configuration (about 3 facilities, 400 encounters a day); set its go-live with {@link #withGoLive}. */
    public static RoiConfig demo() {
        return loadResource("/roi/demo-roi.yaml");
    }

    /** Parses YAML text; {@code source} only names it in the messages of unreadable YAML. */
    public static RoiConfig parse(String yaml, String source) {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RoiConfigException("ROI config " + source + ": not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        RoiConfig config = fromTree(new Section("", root));
        config.validateCrossFields();
        return config;
    }

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String RATE = "a fraction between 0 and 1";
    private static final String MONEY = "a non-negative amount of dollars";

    private static RoiConfig fromTree(Section root) {
        RoiConfig d = DEFAULTS;
        root.allowOnly("go_live", "coder_hourly_cost", "rework_cost_per_denial", "cost_of_capital_annual",
                "baseline", "program_costs", "scenarios");
        LocalDate goLive = root.date("go_live", d.goLive);
        double hourly = root.number("coder_hourly_cost", d.coderHourlyCost, 0, Double.MAX_VALUE, MONEY);
        double rework = root.number("rework_cost_per_denial", d.reworkCostPerDenial, 0, Double.MAX_VALUE, MONEY);
        double capital = root.number("cost_of_capital_annual", d.costOfCapitalAnnual, 0, 1, RATE);

        Section b = root.section("baseline");
        b.allowOnly("use", "measure_months", "minutes_per_encounter", "coding_denial_rate", "days_to_payment");
        Measurement measurement = new Measurement(b.baselineUse("use", d.measurement.use()),
                b.positiveInteger("measure_months", d.measurement.measureMonths()));
        Section m = b.section("minutes_per_encounter");
        m.allowOnly(java.util.Arrays.stream(Setting.values()).map(Setting::name).toArray(String[]::new));
        EnumMap<Setting, Double> minutes = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            minutes.put(s, m.number(s.name(), d.baseline.minutesPerEncounter.get(s), 0, Double.MAX_VALUE,
                    "a non-negative number of minutes"));
        }
        Baseline baseline = new Baseline(minutes,
                b.number("coding_denial_rate", d.baseline.codingDenialRate, 0, 1, RATE),
                b.number("days_to_payment", d.baseline.daysToPayment, 0, Double.MAX_VALUE, "a non-negative number of days"));

        Section p = root.section("program_costs");
        p.allowOnly("one_time", "monthly");
        ProgramCosts costs = new ProgramCosts(
                p.number("one_time", d.programCosts.oneTime, 0, Double.MAX_VALUE, MONEY),
                p.number("monthly", d.programCosts.monthly, 0, Double.MAX_VALUE, MONEY));

        Section sc = root.section("scenarios");
        sc.allowOnly(SCENARIO_NAMES.toArray(String[]::new));
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        for (String name : SCENARIO_NAMES) {
            Scenario ds = d.scenarios.get(name);
            Section s = sc.section(name);
            s.allowOnly("productivity_gain", "denial_reduction", "days_reduction", "ramp_months");
            scenarios.put(name, new Scenario(
                    s.number("productivity_gain", ds.productivityGain, 0, 1, RATE),
                    s.number("denial_reduction", ds.denialReduction, 0, 1, RATE),
                    s.number("days_reduction", ds.daysReduction, 0, Double.MAX_VALUE, "a non-negative number of days"),
                    s.positiveInteger("ramp_months", (int) ds.rampMonths)));
        }
        return new RoiConfig(goLive, hourly, rework, capital, baseline, costs, scenarios, measurement);
    }

    private void validateCrossFields() {
        for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
            double days = e.getValue().daysReduction;
            if (days > baseline.daysToPayment) {
                throw new RoiConfigException("scenarios." + e.getKey() + ".days_reduction",
                        "expected a number of days between 0 and baseline.days_to_payment (" + baseline.daysToPayment
                                + "), got " + days);
            }
        }
    }

    /** A mapping of the YAML tree with its dotted path, for messages. */
    private record Section(String path, JsonNode node) {
        Section {
            if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
                throw new RoiConfigException(path.isEmpty() ? "(top level)" : path,
                        "expected a mapping of keys, got " + describe(node));
            }
        }

        private String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        private JsonNode get(String name) {
            return node == null || !node.isObject() ? null : node.get(name);
        }

        void allowOnly(String... names) {
            if (node == null || !node.isObject()) {
                return;
            }
            List<String> allowed = List.of(names);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw new RoiConfigException(key(name), "unknown key; expected one of " + String.join(", ", allowed));
                }
            }
        }

        Section section(String name) {
            return new Section(key(name), get(name));
        }

        double number(String name, double fallback, double min, double max, String expected) {
            JsonNode v = get(name);
            if (v == null) {
                return fallback;
            }
            if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < min || v.doubleValue() > max) {
                throw new RoiConfigException(key(name), "expected " + expected + ", got " + describe(v));
            }
            return v.doubleValue();
        }

        int positiveInteger(String name, int fallback) {
            JsonNode v = get(name);
            if (v == null) {
                return fallback;
            }
            double x = v.isNumber() ? v.doubleValue() : Double.NaN;
            if (!(x >= 1) || x != Math.rint(x) || x > 1200) {
                throw new RoiConfigException(key(name), "expected a positive integer, got " + describe(v));
            }
            return (int) x;
        }

        BaselineUse baselineUse(String name, BaselineUse fallback) {
            JsonNode v = get(name);
            if (v == null) {
                return fallback;
            }
            for (BaselineUse u : BaselineUse.values()) {
                if (v.isTextual() && v.textValue().equals(u.label())) {
                    return u;
                }
            }
            throw new RoiConfigException(key(name), "expected configured or measured, got " + describe(v));
        }

        LocalDate date(String name, LocalDate fallback) {
            JsonNode v = get(name);
            if (v == null) {
                return fallback;
            }
            String expected = "expected a date YYYY-MM-DD, got " + describe(v);
            if (!v.isTextual() || !DATE.matcher(v.textValue()).matches()) {
                throw new RoiConfigException(key(name), expected);
            }
            try {
                return LocalDate.parse(v.textValue());
            } catch (DateTimeParseException e) {
                throw new RoiConfigException(key(name), expected);
            }
        }

        static String describe(JsonNode v) {
            if (v.isNull()) {
                return "nothing (null)";
            }
            if (v.isTextual()) {
                return '"' + v.textValue() + '"';
            }
            if (v.isObject()) {
                return "a mapping";
            }
            if (v.isArray()) {
                return "a list";
            }
            return v.asText();
        }
    }
}
