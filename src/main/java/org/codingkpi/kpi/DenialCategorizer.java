package org.codingkpi.kpi;

import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * CARC/RARC to denial category (shared/spec/KPIS.md §4). Only adjustments of group CO, OA or PI
 * count; the category is the first of {@link #CATEGORIES} that any counted reason code maps to, else
 * {@code other}. A mapping entry may require one of a set of RARCs (CARC 16 is a coding denial only
 * with M20, M51, MA130, N56 or N657).
 */
public final class DenialCategorizer {
    /** In precedence order. */
    public static final List<String> CATEGORIES =
            List.of("coding", "authorization", "eligibility", "medical_necessity", "timely_filing", "duplicate");
    public static final String OTHER = "other";
    public static final String CODING = "coding";
    private static final String DEFAULT_RESOURCE = "/org/codingkpi/kpi/carc-categories.properties";

    /** A CARC's mapping: its category and the RARCs it needs (empty: none needed). */
    private record Rule(int precedence, Set<String> requiredRarcs) {
    }

    private final Map<String, List<Rule>> rules;

    private DenialCategorizer(Map<String, List<Rule>> rules) {
        this.rules = rules;
    }

    /** The mapping shipped with the project. */
    public static DenialCategorizer defaults() {
        try (InputStream in = DenialCategorizer.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** A replacement mapping file, same format as the default one. */
    public static DenialCategorizer load(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read denial category file " + file + ": " + e.getMessage(), e);
        }
    }

    public static DenialCategorizer parse(String text) {
        return parse(new StringReader(text), "inline mapping");
    }

    private static DenialCategorizer parse(Reader reader, String source) {
        Properties p = new Properties();
        try {
            p.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse " + source, e);
        }
        Map<String, List<Rule>> rules = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            int precedence = CATEGORIES.indexOf(key);
            if (precedence < 0) {
                throw new IllegalArgumentException(source + ": unknown denial category '" + key + "', expected one of " + CATEGORIES);
            }
            for (String entry : splitTopLevel(p.getProperty(key))) {
                String code = entry;
                Set<String> rarcs = Set.of();
                int bracket = entry.indexOf('[');
                if (bracket >= 0) {
                    if (!entry.endsWith("]")) {
                        throw new IllegalArgumentException(source + ": malformed entry '" + entry + "' in " + key + ", expected CARC or CARC[RARC,...]");
                    }
                    code = entry.substring(0, bracket).trim();
                    rarcs = Set.copyOf(List.of(entry.substring(bracket + 1, entry.length() - 1).trim().split("\\s*,\\s*")));
                }
                if (code.isEmpty()) {
                    throw new IllegalArgumentException(source + ": empty CARC in " + key);
                }
                rules.computeIfAbsent(code, c -> new ArrayList<>()).add(new Rule(precedence, rarcs));
            }
        }
        return new DenialCategorizer(rules);
    }

    private static List<String> splitTopLevel(String value) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth--;
            }
            if (ch == ',' && depth == 0) {
                parts.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (!cur.toString().isBlank()) {
            parts.add(cur.toString().trim());
        }
        return parts;
    }

    /** The category of a denial from its adjustments and remark codes. */
    public String categorize(List<Adjustment> adjustments, List<String> remarkCodes) {
        int best = Integer.MAX_VALUE;
        for (Adjustment a : adjustments) {
            AdjustmentGroup g = a.getGroup();
            if (g != AdjustmentGroup.CO && g != AdjustmentGroup.OA && g != AdjustmentGroup.PI) {
                continue;
            }
            List<Rule> forCode = rules.get(a.getReason().trim());
            if (forCode == null) {
                continue;
            }
            for (Rule rule : forCode) {
                if (rule.precedence < best && (rule.requiredRarcs.isEmpty() || containsAny(remarkCodes, rule.requiredRarcs))) {
                    best = rule.precedence;
                }
            }
        }
        return best == Integer.MAX_VALUE ? OTHER : CATEGORIES.get(best);
    }

    private static boolean containsAny(List<String> remarkCodes, Set<String> wanted) {
        for (String r : remarkCodes) {
            if (wanted.contains(r.trim())) {
                return true;
            }
        }
        return false;
    }
}
