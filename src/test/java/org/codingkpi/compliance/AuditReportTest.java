package org.codingkpi.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingScope;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditReportTest {

    private static AuditFinding finding(String id, FindingStatus status, String raised, String closed) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("decisions", 412L);
        counts.put("accepted", 407L);
        return AuditFinding.newBuilder().setFindingId(id).setKind(FindingKind.RUBBER_STAMPING_CODER).setStatus(status)
                .setScope(FindingScope.newBuilder().setCoder("C030").build())
                .setRaisedAt(Instant.parse(raised)).setClosedAt(closed == null ? null : Instant.parse(closed))
                .setWindowStart(Instant.parse("2026-02-01T00:00:00Z")).setWindowEnd(Instant.parse("2026-03-01T00:00:00Z"))
                .setBaselineStart(null).setBaselineEnd(null).setStatistic("acceptance_rate").setValue(0.988).setThreshold(0.98)
                .setPeak(0.991).setClosedValue(closed == null ? null : 0.95).setCounts(counts)
                .setObserved(Map.of("acceptance_rate", 0.988)).setBaseline(Map.of())
                .setSampleEncounterIds(List.of("enc-a", "enc-b", "enc-c")).setEvidence("encounters accepted in under 3 s")
                .setSummary("Coder C030 accepted 98.8% of 412 AI suggestions.").build();
    }

    @Test
    void aFindingGoesThroughTheWireFormatAndAnotherProcessesRegistry() {
        AuditFinding f = finding("rubber-stamping-coder/C030/2026-02-28", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null);
        EventCodec writer = new EventCodec(new BundledSchemaRegistry());
        byte[] bytes = new AuditCodec(writer).encode("coding-kpi-audit", f);

        assertThat(bytes[0]).isEqualTo(EventCodec.MAGIC_BYTE);
        assertThat(new AuditCodec(writer).decode(bytes)).isEqualTo(f);
        // the audit command runs in another JVM, whose bundled registry does not know the id
        assertThat(new AuditCodec(new EventCodec(new BundledSchemaRegistry())).decode(bytes)).isEqualTo(f);
    }

    @Test
    void foldKeepsTheLatestRecordOfEachFindingOpenOnesFirst() {
        AuditFinding a = finding("a", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null);
        AuditFinding aClosed = finding("a", FindingStatus.CLOSED, "2026-03-01T00:00:00Z", "2026-03-09T00:00:00Z");
        AuditFinding b = finding("b", FindingStatus.OPEN, "2026-03-05T00:00:00Z", null);
        AuditFinding c = finding("c", FindingStatus.OPEN, "2026-02-20T00:00:00Z", null);

        assertThat(AuditReport.fold(List.of(a, b, aClosed, c))).containsExactly(c, b, aClosed);
    }

    @Test
    void textShowsWindowStatisticCountsAndTheSample() {
        String text = AuditReport.text(AuditReport.fold(List.of(
                finding("open-one", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null),
                finding("closed-one", FindingStatus.CLOSED, "2026-02-01T00:00:00Z", "2026-02-10T00:00:00Z"))));

        assertThat(text).contains("OPEN FINDINGS (1)", "CLOSED FINDINGS (1)", "[OPEN] Rubber-stamping coder — coder C030",
                "window     2026-02-01 to 2026-02-28 (28 days)", "statistic  acceptance_rate 0.988 when raised (threshold 0.980, peak 0.991)",
                "counts     decisions 412, accepted 407", "enc-a  enc-b", "enc-c", "at close 0.950");
        assertThat(text.indexOf("open-one")).isLessThan(text.indexOf("closed-one"));
    }

    @Test
    void jsonListsOpenAndClosedWithEveryField() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(AuditReport.json(List.of(
                finding("x", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null))));

        assertThat(doc.get("closed")).isEmpty();
        JsonNode x = doc.get("open").get(0);
        assertThat(x.get("finding_id").asText()).isEqualTo("x");
        assertThat(x.get("scope").get("coder").asText()).isEqualTo("C030");
        assertThat(x.get("counts").get("decisions").asLong()).isEqualTo(412);
        assertThat(x.get("sample_encounter_ids")).hasSize(3);
        assertThat(x.get("window_end").asText()).isEqualTo("2026-03-01T00:00:00Z");
    }

    @Test
    void theConsoleLineNeverCarriesTheSample() {
        String line = AuditReport.oneLine(finding("x", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null));
        assertThat(line).contains("Rubber-stamping coder", "coder C030").doesNotContain("enc-a");
    }

    @Test
    void anOversightBreachShowsItsRuleAndSettingAndTheConsoleLineNotItsEncounter() throws Exception {
        AvroTrust.ensure(); // a builder copied from a record resolves the enum classes
        AuditFinding f = AuditFinding.newBuilder(finding("oversight-breach/inpatient/2026-02-28/0123456789abcdef", FindingStatus.OPEN,
                        "2026-02-28T10:00:00Z", null))
                .setKind(FindingKind.OVERSIGHT_BREACH)
                .setScope(FindingScope.newBuilder().setFacility("FAC-NORTH").setSpecialty("cardiology").setModelVersion("m-2")
                        .setSetting("INPATIENT").setRule("inpatient").build())
                .setSampleEncounterIds(List.of("enc-77")).setSummary("An encounter at FAC-NORTH was coded AUTONOMOUSLY.").build();

        assertThat(AuditReport.oneLine(f)).contains("Oversight breach", "setting INPATIENT", "rule inpatient").doesNotContain("enc-77");
        JsonNode x = new ObjectMapper().readTree(AuditReport.json(List.of(f))).get("open").get(0);
        assertThat(x.get("kind").asText()).isEqualTo("OVERSIGHT_BREACH");
        assertThat(x.get("scope").get("rule").asText()).isEqualTo("inpatient");
        assertThat(x.get("scope").get("setting").asText()).isEqualTo("INPATIENT");
        // a version-1 kind keeps its JSON as it was
        JsonNode v1 = new ObjectMapper().readTree(AuditReport.json(List.of(finding("x", FindingStatus.OPEN, "2026-03-01T00:00:00Z", null))));
        assertThat(v1.get("open").get(0).get("scope").has("rule")).isFalse();
        EventCodec codec = new EventCodec(new BundledSchemaRegistry());
        assertThat(new AuditCodec(codec).decode(new AuditCodec(codec).encode("coding-kpi-audit", f))).isEqualTo(f);
    }
}
