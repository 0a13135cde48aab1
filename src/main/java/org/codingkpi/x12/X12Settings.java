package org.codingkpi.x12;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.codingkpi.config.PipelineConfig;

/**
 * Site settings of the X12 mapping (shared/spec/X12.md), from the pipeline configuration:
 * <ul>
 *   <li>{@code x12.zone}: the time zone of 837 BHT04/BHT05 (default UTC);</li>
 *   <li>{@code x12.encounter.ref}: a REF qualifier of the claim loop (835 loop 2100, 837 loop 2300)
 *       whose value is the encounter id instead of the patient control number (e.g. {@code EA});
 *       a claim without that REF keeps the patient control number;</li>
 *   <li>{@code x12.payer.alias.NAME=ID}: a payer that names itself NAME (an 835 N1*PR or 837 NM1*PR
 *       id or name) is payer ID, so both directions agree on one payer_id. In a properties file a
 *       space in NAME is written {@code \ }.</li>
 * </ul>
 */
public record X12Settings(ZoneId zone, String encounterRef, Map<String, String> payerAliases) {
    public static final String ZONE = "x12.zone";
    public static final String ENCOUNTER_REF = "x12.encounter.ref";
    public static final String PAYER_ALIAS_PREFIX = "x12.payer.alias.";
    private static final java.util.Set<String> KEYS = java.util.Set.of("zone", "encounter.ref");

    public static X12Settings defaults() {
        return new X12Settings(ZoneId.of("UTC"), null, Map.of());
    }

    /** @throws IllegalArgumentException naming the key, for an unknown x12.* key or a bad zone */
    public static X12Settings from(PipelineConfig config) {
        Map<String, String> x12 = config.withPrefix(PipelineConfig.X12_PREFIX);
        ZoneId zone = ZoneId.of("UTC");
        String ref = null;
        Map<String, String> aliases = new TreeMap<>();
        for (Map.Entry<String, String> e : x12.entrySet()) {
            String k = e.getKey();
            String v = e.getValue().trim();
            if (k.equals("zone")) {
                try {
                    zone = ZoneId.of(v);
                } catch (DateTimeException ex) {
                    throw new IllegalArgumentException(ZONE + ": expected a time zone id such as UTC or America/Chicago");
                }
            } else if (k.equals("encounter.ref")) {
                ref = v.isEmpty() ? null : v;
            } else if (k.startsWith("payer.alias.") && k.length() > "payer.alias.".length()) {
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(PipelineConfig.X12_PREFIX + k + ": expected a payer id");
                }
                aliases.put(k.substring("payer.alias.".length()), v);
            } else if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(PipelineConfig.X12_PREFIX + k + ": unknown key (known: " + ZONE + ", "
                        + ENCOUNTER_REF + ", " + PAYER_ALIAS_PREFIX + "NAME)");
            }
        }
        return new X12Settings(zone, ref, Map.copyOf(aliases));
    }

    String payer(String named) {
        return payerAliases.getOrDefault(named, named);
    }
}
