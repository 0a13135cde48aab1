package org.codingkpi.x12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.x12.X12Files.concat;
import static org.codingkpi.x12.X12Files.header835;
import static org.codingkpi.x12.X12Files.interchange;
import static org.codingkpi.x12.X12Files.resource;
import static org.codingkpi.x12.X12Files.set;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;
import org.junit.jupiter.api.Test;

class X12ImportTest {
    static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    /** Collects what an import gives. */
    static final class Collected implements X12Import.Sink {
        final List<SpecificRecord> events = new ArrayList<>();
        final List<String> deadLetters = new ArrayList<>();
        final List<Map<String, String>> headers = new ArrayList<>();
        X12Summary summary;

        @Override
        public void event(SpecificRecord event) {
            events.add(event);
        }

        @Override
        public void deadLetter(byte[] value, Map<String, String> h) {
            deadLetters.add(new String(value, StandardCharsets.UTF_8));
            headers.add(h);
        }

        @SuppressWarnings("unchecked")
        <T> List<T> of(Class<T> type) {
            return (List<T>) events.stream().filter(type::isInstance).collect(Collectors.toList());
        }
    }

    static Collected run(String text) {
        return run(text.getBytes(StandardCharsets.UTF_8), X12Settings.defaults());
    }

    static Collected run(byte[] bytes, X12Settings settings) {
        Collected c = new Collected();
        c.summary = X12Import.read("test.x12", bytes, settings, NOW, c);
        assertThat(c.summary.conserved()).as(c.summary.render()).isTrue();
        return c;
    }

    // ------------------------------------------------------------------------------------------ guides' examples

    @Test
    void implementationGuide835Example1GivesTwoPaidClaimsThatBalance() {
        Collected c = run(resource("ig-835-example1.x12"));

        assertThat(c.summary.deadLettered).isEmpty();
        assertThat(c.summary.claimsRead).isEqualTo(2);
        List<ClaimPaid> paid = c.of(ClaimPaid.class);
        assertThat(paid).hasSize(2);
        ClaimPaid first = paid.get(0);
        assertThat(first.getOccurredAt()).isEqualTo(Instant.parse("2002-09-13T00:00:00Z")); // BPR16
        assertThat(first.getPayerId()).isEqualTo("999"); // REF*2U
        assertThat(first.getFacilityId()).isEqualTo("6543210903"); // N1*PE N104
        assertThat(first.getEncounterId()).isEqualTo("666123");
        assertThat(first.getClaimId()).isEqualTo("999|666123");
        assertThat(first.getBilledCents()).isEqualTo(21_136_697L);
        assertThat(first.getPaidCents()).isEqualTo(13_801_840L);
        assertThat(first.getSubmittedAt()).isNull();
        assertThat(first.getAdjustments()).containsExactly(new Adjustment(AdjustmentGroup.CO, "45", 7_334_857L));
        assertThat(first.getRemarkCodes()).isEmpty();
        ClaimPaid second = paid.get(1);
        assertThat(second.getPaidCents()).isEqualTo(1_198_033L);
        assertThat(second.getRemarkCodes()).containsExactly("MA02"); // MOA03
        assertThat(c.summary.eventsByType).containsExactly(Map.entry("ClaimPaid", 2L));
    }

    @Test
    void implementationGuide837ProfessionalExampleGivesOneSubmittedClaim() {
        Collected c = run(resource("ig-837p-commercial.x12"));

        assertThat(c.summary.deadLettered).isEmpty();
        assertThat(c.events).containsExactly(new ClaimSubmitted(c.events.get(0).get(0).toString(),
                Instant.parse("2006-10-15T10:23:00Z"), "9876543210", "26463774", "999996666|26463774", "999996666", 10_000L,
                ClaimFrequency.ORIGINAL));
    }

    @Test
    void implementationGuide837InstitutionalExampleTakesThe2010bbPayerNotTheOtherPayer() {
        Collected c = run(resource("ig-837i-example.x12"));

        assertThat(c.summary.deadLettered).isEmpty();
        ClaimSubmitted s = c.of(ClaimSubmitted.class).get(0);
        assertThat(c.events).hasSize(1);
        assertThat(s.getPayerId()).isEqualTo("00435"); // 2010BB MEDICARE B, not 2330B STATE TEACHERS
        assertThat(s.getClaimId()).isEqualTo("00435|756048Q");
        assertThat(s.getFacilityId()).isEqualTo("9876540809");
        assertThat(s.getBilledCents()).isEqualTo(8_993L);
        assertThat(s.getFrequency()).isEqualTo(ClaimFrequency.ORIGINAL); // CLM05-3 = 1
        assertThat(s.getOccurredAt()).isEqualTo(Instant.parse("1996-09-18T09:32:00Z"));
    }

    // ------------------------------------------------------------------------------------------ the CLP02 table

    @Test
    void everyClaimStatusMapsPerTheTable() {
        String text = interchange("ACME", 1, set("835", "0001", concat(header835("253.00"),
                "CLP*P1*1*100*80**MC*X1", "CAS*CO*45*20",                 // paid
                "CLP*P2*2*50*0**MC*X2", "CAS*CO*50*50",                   // zero paid with CO: denied
                "CLP*P3*19*40*0**MC*X3", "CAS*PR*1*40",                   // zero paid, patient only: paid 0
                "CLP*P4*4*70*0**MC*X4", "CAS*CO*16*70", "MIA*0***0*N290",   // denied
                "CLP*P5*22*-100*-100**MC*X5",                             // reversal
                "CLP*P6*22*100*10**MC*X6",                                // reversal with a payment: skipped
                "CLP*P7*23*30*0**MC*X7",                                  // forwarded: skipped
                "CLP*P8*1*30*-5**MC*X8",                                  // negative payment: skipped
                "CLP*P9*99*30*0**MC*X9",                                  // unknown status: skipped
                "CLP*P10*21*500*358**MC*X10", "CAS*CO*45*142"))); // sum CLP04 = 80 - 100 + 10 - 5 + 358 = 343; PLB none
        // BPR02 must equal 343.00: build it again with the right total
        text = text.replace("BPR*I*253.00*", "BPR*I*343.00*");

        Collected c = run(text);

        assertThat(c.summary.deadLettered).isEmpty();
        assertThat(c.events.stream().map(e -> e.getSchema().getName() + ":" + e.get(3)).toList()).containsExactly(
                "ClaimPaid:P1", "ClaimDenied:P2", "ClaimPaid:P3", "ClaimDenied:P4", "ClaimReversed:P5", "ClaimPaid:P10");
        assertThat(c.of(ClaimPaid.class).get(1).getPaidCents()).isZero();
        assertThat(c.of(ClaimDenied.class).get(0).getDeniedCents()).isEqualTo(5_000L);
        assertThat(c.of(ClaimDenied.class).get(1).getRemarkCodes()).containsExactly("N290");
        assertThat(c.of(ClaimReversed.class).get(0).getReversedCents()).isEqualTo(10_000L);
        assertThat(c.summary.skippedByStatus).containsExactly(Map.entry("CLP02=1", 1L), Map.entry("CLP02=22", 1L),
                Map.entry("CLP02=23", 1L), Map.entry("CLP02=99", 1L));
        assertThat(c.summary.claimsRead).isEqualTo(10);
        assertThat(c.summary.skipped).isEqualTo(4);
    }

    @Test
    void adjustmentsComeFromClaimAndServiceLinesRemarksFromMoaAndLqAndReceivedDateFromDtm050() {
        String text = interchange("ACME", 2, set("835", "0001", concat(header835("60.00"),
                "CLP*A1*1*100*60*10*MC*X1", "CAS*OA*23*5*1*94*-5", "DTM*050*20260210", "MOA***MA01*MA01",
                "SVC*HC:99213*60*40**1", "DTM*472*20260201", "CAS*CO*45*15*1*253*1", "CAS*PR*2*5", "LQ*HE*N381",
                "SVC*HC:85025*40*20**1", "CAS*CO*45*10", "CAS*PR*3*10", "LQ*HE*M15")));

        Collected c = run(text);

        ClaimPaid p = c.of(ClaimPaid.class).get(0);
        assertThat(p.getAdjustments()).containsExactly(new Adjustment(AdjustmentGroup.OA, "23", 500L),
                new Adjustment(AdjustmentGroup.OA, "94", -500L), new Adjustment(AdjustmentGroup.CO, "45", 1_500L),
                new Adjustment(AdjustmentGroup.CO, "253", 100L), new Adjustment(AdjustmentGroup.PR, "2", 500L),
                new Adjustment(AdjustmentGroup.CO, "45", 1_000L), new Adjustment(AdjustmentGroup.PR, "3", 1_000L));
        assertThat(p.getRemarkCodes()).containsExactly("MA01", "N381", "M15");
        assertThat(p.getSubmittedAt()).isEqualTo(Instant.parse("2026-02-10T00:00:00Z"));
        assertThat(c.summary.invalidEvents).isEmpty(); // a negative adjustment line is valid in version 2
    }

    @Test
    void plbAmountsBalanceBpr02AndAnUnreadableDtm050CountsAsAbsent() {
        String text = interchange("ACME", 3, set("835", "0001", concat(header835("95.50"),
                "CLP*B1*1*100*100**MC*X1", "DTM*050*2026021", "PLB*FAC-1*20261231*WO:ABC*2.5*L6:DEF*2")));

        Collected c = run(text);

        assertThat(c.summary.deadLettered).isEmpty();
        assertThat(c.of(ClaimPaid.class).get(0).getSubmittedAt()).isNull();
    }

    @Test
    void bpr16InvalidFallsBackToDtm405() {
        String text = interchange("ACME", 4, set("835", "0001", concat(header835("10"), "CLP*C1*1*10*10**MC*X1")))
                .replace("*20260301~\nTRN", "*20261399~\nTRN");

        Collected c = run(text);

        assertThat(c.events.get(0).get(1)).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
    }

    @Test
    void payerNameWithoutIdAndPayerAliasesAndFacilityName() {
        String text = interchange("ACME", 5, set("835", "0001",
                "BPR*I*10*C*ACH*CCP*01*9*DA*1*1**01*9*DA*9*20260301", "N1*PR*ACME HEALTH PLAN", "N1*PE*NORTH HOSPITAL",
                "LX*1", "CLP*D1*1*10*10**MC*X1"));
        X12Settings aliases = new X12Settings(ZoneId.of("UTC"), null, Map.of("ACME HEALTH PLAN", "ACME01"));

        ClaimPaid p = (ClaimPaid) run(text.getBytes(StandardCharsets.UTF_8), aliases).events.get(0);

        assertThat(p.getPayerId()).isEqualTo("ACME01");
        assertThat(p.getClaimId()).isEqualTo("ACME01|D1");
        assertThat(p.getFacilityId()).isEqualTo("NORTH HOSPITAL");
    }

    @Test
    void aConfiguredReferenceNamesTheEncounter() {
        String text = interchange("ACME", 6, set("835", "0001", concat(header835("10"),
                "CLP*ACCT9*1*10*10**MC*X1", "REF*EA*ENC-77")));

        ClaimPaid p = (ClaimPaid) run(text.getBytes(StandardCharsets.UTF_8), new X12Settings(ZoneId.of("UTC"), "EA", Map.of()))
                .events.get(0);

        assertThat(p.getEncounterId()).isEqualTo("ENC-77");
        assertThat(p.getClaimId()).isEqualTo("ACME01|ACCT9");
    }

    // ------------------------------------------------------------------------------------------ 837

    @Test
    void claimFrequencyComesFromClm05AndTheTimeFromBhtInTheConfiguredZone() {
        String claims = set("837", "0001",
                "BHT*0019*00*B1*20260301*083015*RP",
                "HL*1**20*1", "NM1*85*2*NORTH HOSPITAL*****XX*FAC-1",
                "HL*2*1*22*0", "SBR*P*18*******MC", "NM1*IL*1*DOE*JOHN****MI*M123", "NM1*PR*2*ACME*****PI*ACME01",
                "CLM*E1*150***13:A:1*Y*A*Y*Y", "LX*1", "SV2*0450*HC:99284*150*UN*1",
                "CLM*E2*150***13:A:7*Y*A*Y*Y",
                "CLM*E3*150***13:A:8*Y*A*Y*Y", "SBR*S*18", "NM1*PR*2*OTHER PAYER*****PI*OTHER",
                "CLM*E4*99.99***13:A*Y*A*Y*Y",
                "HL*3*1*22*0", "NM1*PR*2*SECOND*****PI*SECOND01", "CLM*E1*150***11:B:1*Y*A*Y*Y");
        String text = interchange("NORTH", 7, claims);

        Collected c = run(text.getBytes(StandardCharsets.UTF_8), new X12Settings(ZoneId.of("America/Chicago"), null, Map.of()));

        List<ClaimSubmitted> s = c.of(ClaimSubmitted.class);
        assertThat(s).extracting(ClaimSubmitted::getFrequency).containsExactly(ClaimFrequency.ORIGINAL,
                ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID, ClaimFrequency.ORIGINAL, ClaimFrequency.ORIGINAL);
        assertThat(s.get(0).getOccurredAt()).isEqualTo(Instant.parse("2026-03-01T14:30:15Z"));
        assertThat(s.get(2).getPayerId()).as("2330B other payer is not the claim's payer").isEqualTo("ACME01");
        assertThat(s.get(3).getBilledCents()).isEqualTo(9_999L);
        assertThat(s.get(4).getClaimId()).as("a secondary payer's claim is another claim").isEqualTo("SECOND01|E1");
        assertThat(s).extracting(ClaimSubmitted::getFacilityId).containsOnly("FAC-1");
        assertThat(c.summary.claimsByStatus).containsEntry("CLM05-3=1", 2L).containsEntry("CLM05-3=none", 1L);
    }

    // ------------------------------------------------------------------------------------------ identity

    @Test
    void theSameFileGivesTheSameEventIdsWhateverItsDelimiters() {
        String text = resource("ig-835-example1.x12");
        String other = text.replace('*', '|').replace(':', '>').replace("~\n", "\r\n").replace("^", "{");

        List<Object> a = run(text).events.stream().map(e -> e.get(0)).toList();
        List<Object> b = run(other).events.stream().map(e -> e.get(0)).toList();

        assertThat(a).hasSize(2).doesNotHaveDuplicates();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void anotherClaimLoopOrSenderGivesAnotherId() {
        String one = interchange("ACME", 8, set("835", "0001", concat(header835("10"), "CLP*C1*1*10*10**MC*X1")));
        String two = one.replace("ISA*00*          *00*          *ZZ*ACME           ", "ISA*00*          *00*          *ZZ*OTHER          ");
        assertThat(run(one).events.get(0).get(0)).isNotEqualTo(run(two).events.get(0).get(0));
    }

    // ------------------------------------------------------------------------------------------ bad input

    @Test
    void anUnbalanced835IsDeadLetteredAndTheNextSetIsRead() {
        String text = interchange("ACME", 9,
                set("835", "0001", concat(header835("99.00"), "CLP*U1*1*100*100**MC*X1", "CLP*U2*4*50*0**MC*X2")),
                set("835", "0002", concat(header835("10"), "CLP*U3*1*10*10**MC*X3")));

        Collected c = run(text);

        assertThat(c.summary.deadLettered).hasSize(1);
        assertThat(c.summary.deadLettered.get(0).reason()).contains("does not balance");
        assertThat(c.summary.deadLettered.get(0).where()).contains("ST02 0001").contains("(BPR)");
        assertThat(c.summary.claimsInDeadLettered).isEqualTo(2);
        assertThat(c.events).hasSize(1);
        assertThat(c.headers.get(0)).containsEntry(X12Import.FILE_HEADER, "test.x12");
        assertThat(c.deadLetters.get(0)).startsWith("ST*835*0001~").contains("CLP*U1");
    }

    @Test
    void aTruncatedFileRefusesTheCutSetAndKeepsTheCompleteOnes() {
        String text = interchange("ACME", 10,
                set("835", "0001", concat(header835("10"), "CLP*T1*1*10*10**MC*X1")),
                set("835", "0002", concat(header835("20"), "CLP*T2*1*10*10**MC*X2", "CLP*T3*1*10*10**MC*X3")));
        String cut = text.substring(0, text.indexOf("CLP*T3") + 8);

        Collected c = run(cut);

        assertThat(c.events).hasSize(1);
        assertThat(c.summary.deadLettered).hasSize(1);
        assertThat(c.summary.deadLettered.get(0).reason()).contains("truncated");
        assertThat(c.summary.claimsInDeadLettered).isEqualTo(2);
    }

    @Test
    void wrongDelimitersRefuseTheInterchangeAndTheNextInterchangeIsRead() {
        String good = interchange("ACME", 11, set("835", "0001", concat(header835("10"), "CLP*W1*1*10*10**MC*X1")));
        String broken = good.replaceFirst("\\*00501\\*", "|00501|").replace("ISA*00*", "ISA|00|");

        Collected c = run(broken + good);

        assertThat(c.events).hasSize(1);
        assertThat(c.summary.deadLettered).hasSize(1);
        assertThat(c.summary.deadLettered.get(0).reason()).contains("not X12 syntax");
    }

    @Test
    void aSegmentTheLibraryCannotReadRefusesItsSetAndTheNextSetIsRead() {
        String text = interchange("ACME", 12,
                set("835", "0001", concat(header835("20"), "CLP*G1*1*10*10**MC*X1", "!!*garbage", "CLP*G2*1*10*10**MC*X2")),
                set("835", "0002", concat(header835("10"), "CLP*G3*1*10*10**MC*X3")));

        Collected c = run(text);

        assertThat(c.events).extracting(e -> e.get(3)).containsExactly("G3");
        assertThat(c.summary.deadLettered).hasSize(1);
        assertThat(c.summary.claimsInDeadLettered).as("the claim after the bad segment is counted too").isEqualTo(2);
        assertThat(c.summary.interchanges).isEqualTo(1);
    }

    @Test
    void aWrongSegmentCountRefusesItsSetAndAWrongGroupCountRefusesTheGroup() {
        String text = interchange("ACME", 13,
                set("835", "0001", concat(header835("10"), "CLP*S1*1*10*10**MC*X1")).replace("SE*11*0001", "SE*12*0001"),
                set("835", "0002", concat(header835("10"), "CLP*S2*1*10*10**MC*X2")));
        Collected c = run(text);
        assertThat(c.events).extracting(e -> e.get(3)).containsExactly("S2");
        assertThat(c.summary.deadLettered.get(0).reason()).contains("SE01");

        Collected g = run(text.replace("SE*12*0001", "SE*11*0001").replace("GE*2*13", "GE*3*13"));
        assertThat(g.events).isEmpty();
        assertThat(g.summary.deadLettered).hasSize(2);
        assertThat(g.summary.deadLettered.get(0).reason()).contains("functional group");
    }

    @Test
    void anUnknownClaimStatusIsSkippedAndReported() {
        Collected c = run(interchange("ACME", 14, set("835", "0001", concat(header835("0"), "CLP*K1*X9*10*0**MC*X1"))));
        assertThat(c.summary.skippedByStatus).containsExactly(Map.entry("CLP02=X9", 1L));
        assertThat(c.summary.render()).contains("skipped claims: 1 {CLP02=X9=1}");
    }

    @Test
    void a270AndA277AreRefusedWithoutLosingThe835() {
        String text = interchange("ACME", 15,
                set("270", "0001", "BHT*0022*13*10001234*20260301*1319", "HL*1**20*1", "NM1*PR*2*ACME*****PI*ACME01"),
                set("835", "0002", concat(header835("10"), "CLP*R1*1*10*10**MC*X1")),
                set("277", "0003", "BHT*0010*08*3920394930203*20260301*1425*DG"));

        Collected c = run(text);

        assertThat(c.events).hasSize(1);
        assertThat(c.summary.deadLettered).extracting(X12Summary.DeadLettered::reason)
                .containsExactly("transaction set type 270 is neither 835 nor 837", "transaction set type 277 is neither 835 nor 837");
        assertThat(c.summary.setsByType).containsEntry("270", 1L).containsEntry("277", 1L).containsEntry("835", 1L);
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndsAreRead() {
        String text = "\uFEFF" + resource("ig-835-example1.x12").replace("\n", "\r\n");
        Collected c = run(text);
        assertThat(c.events).hasSize(2);
        assertThat(c.summary.deadLettered).isEmpty();
        assertThat(X12Reader.looksLikeX12(text.getBytes(StandardCharsets.UTF_8), 10)).isTrue();
    }

    @Test
    void anEmptyFileHasNothing() {
        Collected c = run("");
        assertThat(c.summary.interchanges).isZero();
        assertThat(c.events).isEmpty();
        assertThat(X12Reader.looksLikeX12(new byte[0], 0)).isFalse();
    }

    @Test
    void aMissingElementTheMappingReadsRefusesTheSet() {
        Collected c = run(interchange("ACME", 16, set("835", "0001", concat(header835("10"), "CLP*M1*1**10**MC*X1"))));
        assertThat(c.summary.deadLettered.get(0).reason()).isEqualTo("CLP03 (amount) is missing");
        assertThat(c.summary.deadLettered.get(0).where()).contains("segment 10 of the set (CLP), line 12");
    }

    @Test
    void theReportAndHeadersNeverCarryNamesMemberIdsOrAccountNumbers() {
        String text = resource("ig-835-example1.x12").replace("BPR*C*150000", "BPR*C*150001")
                + resource("ig-837p-commercial.x12").replace("SE*42*0021", "SE*41*0021");
        Collected c = run(text);
        String everything = c.summary.render() + c.headers;
        assertThat(c.summary.deadLettered).hasSize(2);
        for (String phi : List.of("JONES", "SAM", "666666666A", "BORDER", "996669999B", "666123", "777777", "SMITH", "JANE",
                "JS00111223333", "TED", "26463774", "236 N MAIN")) {
            assertThat(everything).doesNotContain(phi);
        }
    }
}
