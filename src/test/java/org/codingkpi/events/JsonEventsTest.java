package org.codingkpi.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.JsonEvents.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonEventsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T14:05:00Z");
    private static final String ENCOUNTER = "enc-7f3a9c";
    private static final String CLAIM = "clm-55d01e";

    static EncounterDischarged discharged() {
        return new EncounterDischarged("ev-1", T0, "FAC-NORTH", ENCOUNTER, Setting.INPATIENT, "CARDIOLOGY",
                "MEDICARE", 2_845_000L);
    }

    static EncounterCoded coded() {
        return new EncounterCoded("ev-2", T0.plusSeconds(86_400), "FAC-NORTH", ENCOUNTER, Setting.PROFESSIONAL,
                "GENERAL_MEDICINE", "BCBS", "C017", 1, CodingMode.AI_ASSISTED, T0, 240L, 18_500L,
                List.of(new CodeEntry(CodeSystem.CPT, "99214", List.of("25"), CodeSource.AI_ACCEPTED),
                        new CodeEntry(CodeSystem.ICD10CM, "E11.9", List.of(), CodeSource.AI_MODIFIED),
                        new CodeEntry(CodeSystem.ICD10CM, "I10", List.of(), CodeSource.MANUAL)), null);
    }

    static EncounterCoded autonomous() {
        return new EncounterCoded("ev-3", T0.plusMillis(3_600_123), "FAC-SOUTH", ENCOUNTER, Setting.PROFESSIONAL,
                "EMERGENCY", "UHC", null, 1, CodingMode.AUTONOMOUS, T0, 0L, 31_000L,
                List.of(new CodeEntry(CodeSystem.CPT, "99284", List.of(), CodeSource.AUTONOMOUS)), null);
    }

    static AiSuggestionReviewed suggestion() {
        return new AiSuggestionReviewed("ev-4", T0.plusSeconds(600), "FAC-NORTH", ENCOUNTER, "CARDIOLOGY", "C017",
                "coder-llm-1.4", CodeSystem.ICD10CM, "I50.9", Decision.MODIFIED, "I50.23", 0.8125, 41.5);
    }

    static AiSuggestionReviewed rejectedSuggestion() {
        return new AiSuggestionReviewed("ev-5", T0.plusSeconds(660), "FAC-NORTH", ENCOUNTER, "CARDIOLOGY", "C017",
                "coder-llm-1.4", CodeSystem.ICD10CM, "R07.9", Decision.REJECTED, null, 0.41, 12.0);
    }

    static ClaimDenied denied() {
        return new ClaimDenied("ev-6", T0.plusSeconds(30 * 86_400), "FAC-NORTH", ENCOUNTER, CLAIM, "AETNA",
                T0.plusSeconds(3 * 86_400), 1_250_000L, 1_250_000L,
                List.of(new Adjustment(AdjustmentGroup.CO, "16", 1_250_000L)), List.of("M20", "MA130"));
    }

    static ClaimPaid paid() {
        return new ClaimPaid("ev-7", T0.plusSeconds(70 * 86_400), "FAC-NORTH", ENCOUNTER, CLAIM, "AETNA",
                T0.plusSeconds(3 * 86_400), 1_250_000L, 612_340L, List.of(), List.of());
    }

    static List<SpecificRecord> events() {
        return List.of(discharged(), coded(), autonomous(), suggestion(), rejectedSuggestion(), denied(), paid());
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyTypeSurvivesARoundTrip(SpecificRecord event) {
        String line = JsonEvents.toJson(event);

        Parsed parsed = JsonEvents.parse(line);

        assertThat(parsed.ok()).as(parsed.message()).isTrue();
        assertThat(parsed.event()).isEqualTo(event);
        assertThat(parsed.type()).isEqualTo(EventType.of(event));
        assertThat(line).startsWith("{\"type\":\"" + EventType.of(event).name() + "\",").doesNotContain("\n");
    }

    @Test
    void toJsonWritesTimestampsAsUtcStringsMoneyAsIntegersAndNullsAsNull() {
        String line = JsonEvents.toJson(autonomous());

        assertThat(line).contains("\"occurred_at\":\"2026-03-01T15:05:00.123Z\"")
                .contains("\"discharged_at\":\"2026-03-01T14:05:00Z\"")
                .contains("\"charge_cents\":31000")
                .contains("\"coder_id\":null")
                .contains("\"codes\":[{\"system\":\"CPT\",\"code\":\"99284\",\"modifiers\":[],\"source\":\"AUTONOMOUS\"}]");
    }

    @Test
    void timestampWithOffsetIsConvertedToUtc() {
        String line = JsonEvents.toJson(discharged()).replace("2026-03-01T14:05:00Z", "2026-03-01T16:05:00+02:00");

        Parsed parsed = JsonEvents.parse(line);

        assertThat(parsed.ok()).isTrue();
        assertThat(((EncounterDischarged) parsed.event()).getOccurredAt()).isEqualTo(T0);
    }

    @Test
    void subMillisecondPrecisionIsTruncatedLikeAvroTimestampMillis() {
        String line = JsonEvents.toJson(discharged()).replace("2026-03-01T14:05:00Z", "2026-03-01T14:05:00.123456Z");

        Parsed parsed = JsonEvents.parse(line);

        assertThat(((EncounterDischarged) parsed.event()).getOccurredAt()).isEqualTo(T0.plusMillis(123));
    }

    @Test
    void nullableFieldsMayBeOmitted() {
        String coded = JsonEvents.toJson(autonomous()).replace("\"coder_id\":null,", "");
        String ai = JsonEvents.toJson(rejectedSuggestion()).replace("\"final_code\":null,", "");
        assertThat(coded).doesNotContain("coder_id");
        assertThat(ai).doesNotContain("final_code");

        assertThat(JsonEvents.parse(coded).event()).isEqualTo(autonomous());
        assertThat(JsonEvents.parse(ai).event()).isEqualTo(rejectedSuggestion());
    }

    @Test
    void fieldsWithDefaultsMayBeOmittedAndUnknownFieldsAreIgnored() {
        String line = JsonEvents.toJson(denied())
                .replace(",\"remark_codes\":[\"M20\",\"MA130\"]", "")
                .replace("{\"type\":\"ClaimDenied\",", "{\"type\":\"ClaimDenied\",\"x_batch\":{\"n\":[1,2]},");

        Parsed parsed = JsonEvents.parse(line);

        assertThat(parsed.ok()).as(parsed.message()).isTrue();
        assertThat(((ClaimDenied) parsed.event()).getRemarkCodes()).isEmpty();
    }

    @Test
    void fullAvroNameIsAcceptedAsType() {
        String line = JsonEvents.toJson(paid()).replace("\"type\":\"ClaimPaid\"", "\"type\":\"org.codingkpi.events.ClaimPaid\"");

        assertThat(JsonEvents.parse(line).event()).isEqualTo(paid());
    }

    @Test
    void malformedJsonIsUndecodable() {
        String line = JsonEvents.toJson(coded());

        assertRejected(line.substring(0, line.length() - 5), RejectReason.UNDECODABLE);
        assertRejected("", RejectReason.UNDECODABLE);
        assertRejected("not json at all " + ENCOUNTER, RejectReason.UNDECODABLE);
        assertRejected("[1,2,3]", RejectReason.UNDECODABLE);
        assertRejected(line + " {}", RejectReason.UNDECODABLE);
    }

    @Test
    void utf8BytesAreParsedLikeTheLineAndMalformedUtf8IsUndecodable() {
        byte[] bytes = JsonEvents.toJson(coded()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] broken = JsonEvents.toJson(coded()).replace("C017", "C\u00e917").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(JsonEvents.parse(bytes).event()).isEqualTo(coded());
        assertThat(JsonEvents.parse(broken).reason()).isEqualTo(RejectReason.UNDECODABLE);
        assertThat(JsonEvents.parse(new byte[] {0, 1, 2}).reason()).isEqualTo(RejectReason.UNDECODABLE);
    }

    @Test
    void wrongJsonTypeOfAFieldIsUndecodable() {
        assertRejected(JsonEvents.toJson(paid()).replace("\"paid_cents\":612340", "\"paid_cents\":\"612340\""),
                RejectReason.UNDECODABLE, "paid_cents");
        assertRejected(JsonEvents.toJson(paid()).replace("\"claim_id\":\"" + CLAIM + "\"", "\"claim_id\":55"),
                RejectReason.UNDECODABLE, "claim_id");
        assertRejected(JsonEvents.toJson(coded()).replace("\"codes\":[", "\"codes\":{\"x\":[").replace("]}", "]}}"),
                RejectReason.UNDECODABLE, "codes");
        assertRejected(JsonEvents.toJson(coded()).replace("\"revision\":1", "\"revision\":true"),
                RejectReason.UNDECODABLE, "revision");
    }

    @Test
    void fractionForALongFieldIsUndecodable() {
        assertRejected(JsonEvents.toJson(paid()).replace("\"paid_cents\":612340", "\"paid_cents\":6123.40"),
                RejectReason.UNDECODABLE, "paid_cents");
        assertRejected(JsonEvents.toJson(paid()).replace("\"paid_cents\":612340", "\"paid_cents\":99999999999999999999999"),
                RejectReason.UNDECODABLE, "paid_cents");
    }

    @Test
    void integerIsAcceptedForADoubleField() {
        String line = JsonEvents.toJson(rejectedSuggestion()).replace("\"review_seconds\":12.0", "\"review_seconds\":12");

        assertThat(JsonEvents.parse(line).event()).isEqualTo(rejectedSuggestion());
    }

    @Test
    void unparseableOrZonelessTimestampIsUndecodable() {
        assertRejected(JsonEvents.toJson(discharged()).replace("2026-03-01T14:05:00Z", "2026-03-01T14:05:00"),
                RejectReason.UNDECODABLE, "occurred_at");
        assertRejected(JsonEvents.toJson(discharged()).replace("2026-03-01T14:05:00Z", "yesterday"),
                RejectReason.UNDECODABLE, "occurred_at");
        assertRejected(JsonEvents.toJson(discharged()).replace("\"2026-03-01T14:05:00Z\"", "1772373900000"),
                RejectReason.UNDECODABLE, "occurred_at");
    }

    @Test
    void missingOrUnknownTypeIsUnknownSchema() {
        String line = JsonEvents.toJson(paid());

        assertRejected(line.replace("\"type\":\"ClaimPaid\",", ""), RejectReason.UNKNOWN_SCHEMA);
        assertRejected(line.replace("\"type\":\"ClaimPaid\"", "\"type\":null"), RejectReason.UNKNOWN_SCHEMA);
        assertRejected(line.replace("\"type\":\"ClaimPaid\"", "\"type\":\"ClaimAppealed\""), RejectReason.UNKNOWN_SCHEMA);
        assertRejected(line.replace("\"type\":\"ClaimPaid\"", "\"type\":7"), RejectReason.UNKNOWN_SCHEMA);
    }

    @Test
    void absentOrNullRequiredFieldIsMissingField() {
        assertRejected(JsonEvents.toJson(coded()).replace("\"payer_id\":\"BCBS\",", ""),
                RejectReason.MISSING_FIELD, "payer_id");
        assertRejected(JsonEvents.toJson(coded()).replace("\"encounter_id\":\"" + ENCOUNTER + "\"", "\"encounter_id\":null"),
                RejectReason.MISSING_FIELD, "encounter_id");
        assertRejected(JsonEvents.toJson(suggestion()).replace("\"coder_id\":\"C017\",", ""),
                RejectReason.MISSING_FIELD, "coder_id");
        assertRejected(JsonEvents.toJson(coded()).replace("\"code\":\"E11.9\",", ""),
                RejectReason.MISSING_FIELD, "codes[1].code");
    }

    @Test
    void unknownEnumSymbolIsInvalidEnum() {
        assertRejected(JsonEvents.toJson(discharged()).replace("\"INPATIENT\"", "\"INPT\""),
                RejectReason.INVALID_ENUM, "setting");
        assertRejected(JsonEvents.toJson(coded()).replace("\"source\":\"MANUAL\"", "\"source\":\"GUESSED\""),
                RejectReason.INVALID_ENUM, "codes[2].source");
        assertRejected(JsonEvents.toJson(denied()).replace("\"group\":\"CO\"", "\"group\":\"XX\""),
                RejectReason.INVALID_ENUM, "adjustments[0].group");
        assertRejected(JsonEvents.toJson(suggestion()).replace("\"MODIFIED\"", "\"modified\""),
                RejectReason.INVALID_ENUM, "decision");
    }

    @Test
    void semanticProblemsAreLeftToTheValidator() {
        String line = JsonEvents.toJson(coded()).replace("\"revision\":1", "\"revision\":0")
                .replace("\"charge_cents\":18500", "\"charge_cents\":-18500");

        assertThat(JsonEvents.parse(line).ok()).isTrue();
    }

    @Test
    void rejectionMessagesNeverQuoteIdentifiers() {
        String secret = "PATIENT-SECRET-123";
        List<String> lines = List.of(
                "{\"type\":\"" + secret + "\"}",
                "{\"type\":\"ClaimPaid\",\"claim_id\":{\"" + secret + "\":1}}",
                JsonEvents.toJson(paid()).replace("\"claim_id\":\"" + CLAIM + "\"", "\"claim_id\":[\"" + secret + "\"]"),
                JsonEvents.toJson(discharged()).replace("\"INPATIENT\"", "\"" + secret + "\""),
                JsonEvents.toJson(discharged()).replace("2026-03-01T14:05:00Z", secret),
                "{\"type\":\"ClaimPaid\",\"claim_id\":\"" + secret + "\" oops",
                secret);

        for (String line : lines) {
            Parsed parsed = JsonEvents.parse(line);
            assertThat(parsed.ok()).isFalse();
            assertThat(parsed.message()).doesNotContain(secret).doesNotContain(ENCOUNTER).doesNotContain(CLAIM);
        }
    }

    private static void assertRejected(String line, RejectReason reason) {
        Parsed parsed = JsonEvents.parse(line);
        assertThat(parsed.ok()).as("accepted: %s", line).isFalse();
        assertThat(parsed.event()).isNull();
        assertThat(parsed.reason()).as(parsed.message()).isEqualTo(reason);
        assertThat(parsed.message()).isNotBlank().doesNotContain(ENCOUNTER).doesNotContain(CLAIM);
    }

    private static void assertRejected(String line, RejectReason reason, String field) {
        assertRejected(line, reason);
        assertThat(JsonEvents.parse(line).message()).contains("'" + field + "'");
    }

    @Test
    void theFastTimestampPathAgreesWithInstantParse() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            long ms = random.nextLong(-2_000_000_000_000L, 4_000_000_000_000L);
            java.time.Instant t = java.time.Instant.ofEpochMilli(ms).plusNanos(random.nextInt(1_000_000));
            String text = i % 3 == 0 ? t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString() : t.toString();
            java.time.Instant expected = java.time.Instant.parse(text).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            org.junit.jupiter.api.Assertions.assertEquals(expected, JsonEvents.fastUtc(text), text);
        }
        for (String text : new String[] {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-06-30T23:59:60Z",
                "2026-01-01T00:00:00+01:00", "2026-01-01T00:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00z"}) {
            org.junit.jupiter.api.Assertions.assertNull(JsonEvents.fastUtc(text), text);
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Instant.parse("2024-02-29T10:11:12.345Z"),
                JsonEvents.fastUtc("2024-02-29T10:11:12.3456789Z"));
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Instant.parse("2024-02-29T10:11:12.300Z"), JsonEvents.fastUtc("2024-02-29T10:11:12.3Z"));
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Instant.parse("2024-02-29T10:11:12.340Z"), JsonEvents.fastUtc("2024-02-29T10:11:12.34Z"));
    }

    // --- the common form's reader agrees with the tree reader ----------------------------------

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Every line of a messy simulated history (version 2 events, duplicates, invalid lines) reads the same both ways. */
    @Test
    void theCommonFormReaderAgreesWithTheTreeReaderOnAMessyHistory() {
        org.codingkpi.simulator.SimulatorConfig config = org.codingkpi.simulator.SimulatorConfig.builder()
                .seed(11).days(12).encountersPerDay(300).version2(true).messy().build();
        int lines = 0;
        int rejected = 0;
        for (org.codingkpi.simulator.SimEvent e : org.codingkpi.simulator.Simulator.stream(config).toList()) {
            String line = e.toJsonLine();
            Parsed tree = JsonEvents.parseTree(line);
            assertThat(JsonEvents.parse(line)).as(line).isEqualTo(tree);
            assertThat(JsonEvents.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8))).as(line).isEqualTo(tree);
            lines++;
            rejected += tree.ok() ? 0 : 1;
        }
        assertThat(lines).isGreaterThan(5_000);
        assertThat(rejected).as("invalid lines in the history").isGreaterThan(10);
    }

    /**
     * Every member of every event type, nested ones included, removed, null, of every other JSON
     * type, duplicated; "type" moved, repeated; unknown members; trailing tokens: the same result
     * (the same record, or the same reason and message) both ways.
     */
    @Test
    void theCommonFormReaderAgreesWithTheTreeReaderOnAlteredLines() throws Exception {
        List<String> values = List.of("null", "1", "-7", "1.5", "1e3", "2147483648", "9223372036854775808", "\"x\"", "\"INPATIENT\"",
                "\"2026-03-01T14:05:00Z\"", "\"2026-03-01T14:05:00+02:00\"", "true", "[]", "[null]", "{}");
        List<SpecificRecord> samples = new java.util.ArrayList<>(events());
        samples.addAll(org.codingkpi.simulator.Simulator.stream(org.codingkpi.simulator.SimulatorConfig.builder()
                .seed(3).days(40).encountersPerDay(20).version2(true).clean().build()).map(e -> JsonEvents.parse(e.toJsonLine()).event())
                .filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toMap(SpecificRecord::getSchema, r -> r, (a, b) -> a)).values());
        int compared = 0;
        for (SpecificRecord event : samples) {
            String line = JsonEvents.toJson(event);
            List<String> altered = new java.util.ArrayList<>();
            altered.add(line);
            altered.add(line + " {}");
            altered.add(line + " x");
            altered.add(line.substring(0, line.length() - 1) + ",\"unknown\":{\"a\":[1,{\"b\":null}]}}");
            altered.add(line.substring(0, line.length() - 1) + ",\"type\":\"EncounterDischarged\"}");
            com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            com.fasterxml.jackson.databind.node.ObjectNode typeLast = root.deepCopy();
            typeLast.set("type", typeLast.remove("type"));
            altered.add(JSON.writeValueAsString(typeLast));
            for (String path : paths(root, "")) {
                for (String value : values) {
                    altered.add(replaced(line, root, path, value));
                }
                altered.add(replaced(line, root, path, null));
                if (!path.contains("/")) {
                    // the member twice: the tree keeps the last value
                    String last = JSON.writeValueAsString(root.get(path));
                    altered.add(line.substring(0, line.length() - 1) + ",\"" + path + "\":" + last + "}");
                    altered.add(line.substring(0, line.length() - 1) + ",\"" + path + "\":\"x\"}");
                }
            }
            for (String a : altered) {
                Parsed tree = JsonEvents.parseTree(a);
                assertThat(JsonEvents.parse(a)).as(a).isEqualTo(tree);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    /** JSON pointers of every member, and of every member of the first element of an array of objects. */
    private static List<String> paths(com.fasterxml.jackson.databind.JsonNode node, String prefix) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (prefix.isEmpty() && name.equals("type")) {
                return;
            }
            String path = prefix + name;
            out.add(path);
            com.fasterxml.jackson.databind.JsonNode v = node.get(name);
            if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
                out.addAll(paths(v.get(0), path + "/0/"));
            }
        });
        return out;
    }

    /** The line with the member at {@code path} set to {@code value} (raw JSON), or removed when value is null. */
    private static String replaced(String line, com.fasterxml.jackson.databind.JsonNode root, String path, String value) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
        int slash = path.lastIndexOf('/');
        com.fasterxml.jackson.databind.node.ObjectNode parent = slash < 0 ? copy
                : (com.fasterxml.jackson.databind.node.ObjectNode) copy.at("/" + path.substring(0, slash));
        String name = path.substring(slash + 1);
        if (value == null) {
            parent.remove(name);
        } else {
            parent.set(name, JSON.readTree(value));
        }
        return JSON.writeValueAsString(copy);
    }
}
