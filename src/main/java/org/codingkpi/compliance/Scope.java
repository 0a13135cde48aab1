package org.codingkpi.compliance;

import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingScope;
import org.codingkpi.kpi.Series;

import java.util.List;

/**
 * What a finding is about, as the key of the detector's state and of the repartition topic: a tag
 * and the label values, separated by {@link Series#SEP} (replaced in values, as in KPI keys).
 */
enum Scope {
    /** Specialty and model version: the acceptance CUSUM. */
    ACCEPTANCE('A', FindingKind.ACCEPTANCE_DRIFT, "acceptance-drift", "specialty", "model_version"),
    /** Coder: the rubber-stamping rule. */
    CODER('U', FindingKind.RUBBER_STAMPING_CODER, "rubber-stamping-coder", "coder"),
    /** Facility and specialty: the E/M level mix. */
    EM('E', FindingKind.EM_LEVEL_SHIFT, "em-level-shift", "facility", "specialty"),
    /**
     * Rule, facility and encounter: an oversight breach (raised at once, not evaluated by day). The key
     * spreads breaches over the detector's partitions and sends every breach of an encounter and rule to
     * the same one; the finding scope is built from the observation, not from these labels.
     */
    OVERSIGHT('O', FindingKind.OVERSIGHT_BREACH, "oversight-breach", "rule", "facility", "encounter");

    private final char tag;
    private final FindingKind kind;
    private final String slug;
    private final List<String> labelNames;

    Scope(char tag, FindingKind kind, String slug, String... labelNames) {
        this.tag = tag;
        this.kind = kind;
        this.slug = slug;
        this.labelNames = List.of(labelNames);
        this.keys = new org.codingkpi.kpi.KeyCache(labelNames.length, this::build);
    }

    FindingKind kind() {
        return kind;
    }

    /** The finding-id prefix of this kind. */
    String slug() {
        return slug;
    }

    /** Cached for the bounded scopes; an oversight scope names an encounter, so it is built each time. */
    private final org.codingkpi.kpi.KeyCache keys;

    String key(String a) {
        return keys.get(a);
    }

    String key(String a, String b) {
        return keys.get(a, b);
    }

    String key(String... values) {
        return this == OVERSIGHT ? build(values) : keys.get(values);
    }

    private String build(String[] values) {
        StringBuilder sb = new StringBuilder(32).append(tag);
        for (String v : values) {
            sb.append(Series.SEP);
            Series.appendClean(sb, v);
        }
        return sb.toString();
    }

    static Scope of(String key) {
        for (Scope s : values()) {
            if (s.tag == key.charAt(0)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a scope key");
    }

    static String[] labels(String key) {
        return key.substring(2).split(String.valueOf(Series.SEP), -1);
    }

    /** The finding's scope record: the labels this kind uses, the rest null. */
    FindingScope findingScope(String key) {
        String[] l = labels(key);
        FindingScope.Builder b = FindingScope.newBuilder();
        for (int i = 0; i < labelNames.size(); i++) {
            switch (labelNames.get(i)) {
                case "facility" -> b.setFacility(l[i]);
                case "specialty" -> b.setSpecialty(l[i]);
                case "model_version" -> b.setModelVersion(l[i]);
                default -> b.setCoder(l[i]);
            }
        }
        return b.build();
    }
}
