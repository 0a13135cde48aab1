package org.codingkpi.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A mandatory-review rule (KPIS.md §5, version 2): a revision-1 coding in AUTONOMOUS mode that
 * matches it is a breach. A rule matches when every condition it sets holds: {@code setting}
 * equal, {@code specialty} equal, {@code charge_cents >= min_charge_cents}.
 */
public record OversightRule(String name, String setting, String specialty, Long minChargeCents) {
    /** The defaults: {@code inpatient} (setting INPATIENT) and {@code high_dollar} (charge >= 2,500,000 cents). */
    public static final List<OversightRule> DEFAULTS = List.of(
            new OversightRule("inpatient", "INPATIENT", null, null),
            new OversightRule("high_dollar", null, null, 2_500_000L));
    private static final Set<String> KEYS = Set.of("name", "setting", "specialty", "min_charge_cents");
    private static final Set<String> SETTINGS = Set.of("INPATIENT", "OUTPATIENT", "PROFESSIONAL");

    public boolean matches(String codingSetting, String codingSpecialty, long chargeCents) {
        return (setting == null || setting.equals(codingSetting))
                && (specialty == null || specialty.equals(codingSpecialty))
                && (minChargeCents == null || chargeCents >= minChargeCents);
    }

    /**
     * Reads a rules file: YAML, {@code rules:} followed by a list of rules. An unknown key, a bad
     * setting or charge, a rule without a name or without a condition, or a duplicate name is an
     * error naming the rule and the key.
     */
    public static List<OversightRule> load(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("oversight rules " + file + ": cannot read (" + e.getMessage() + ")");
        }
        JsonNode rules = root == null ? null : root.get("rules");
        if (rules == null || !rules.isArray()) {
            throw new IllegalArgumentException("oversight rules " + file + ": expected a list under the key 'rules'");
        }
        List<OversightRule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            String where = "oversight rules " + file + ": rules[" + i + "]";
            if (!r.isObject()) {
                throw new IllegalArgumentException(where + ": expected a mapping with name and conditions");
            }
            for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + "." + key + ": unknown key (expected one of " + new java.util.TreeSet<>(KEYS) + ")");
                }
            }
            String name = text(r, "name", where);
            if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException(where + ".name: expected a lower-case name ([a-z][a-z0-9_]*), got " + r.get("name"));
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ".name: the rule '" + name + "' is defined twice");
            }
            String setting = text(r, "setting", where);
            if (setting != null && !SETTINGS.contains(setting)) {
                throw new IllegalArgumentException(where + ".setting: expected one of " + new java.util.TreeSet<>(SETTINGS) + ", got " + setting);
            }
            String specialty = text(r, "specialty", where);
            Long min = null;
            JsonNode m = r.get("min_charge_cents");
            if (m != null) {
                if (!m.canConvertToLong() || !m.isIntegralNumber() || m.asLong() < 0) {
                    throw new IllegalArgumentException(where + ".min_charge_cents: expected a whole number of cents >= 0, got " + m);
                }
                min = m.asLong();
            }
            if (setting == null && specialty == null && min == null) {
                throw new IllegalArgumentException(where + ": rule '" + name + "' sets no condition (setting, specialty or min_charge_cents)");
            }
            out.add(new OversightRule(name, setting, specialty, min));
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode r, String key, String where) {
        JsonNode n = r.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(where + "." + key + ": expected text, got " + n);
        }
        return n.asText();
    }
}
