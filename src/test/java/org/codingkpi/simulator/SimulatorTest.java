package org.codingkpi.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.AiSuggestionReviewed;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.CodeEntry;
import org.codingkpi.events.CodeSource;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.Decision;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;
import org.codingkpi.events.Setting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

    /** 60 days, go-live on day 30: a manual month, then the AI pilot. */
    private static final SimulatorConfig SIXTY_DAYS = SimulatorConfig.builder().seed(7).days(60).encountersPerDay(600)
            .build();
    private static final SimulatorConfig SIXTY_DAYS_MESSY = SIXTY_DAYS.toBuilder().messy().build();

    private static List<SimEvent> clean;
    private static List<SimEvent> messy;

    @BeforeAll
    static void simulate() {
        clean = Simulator.stream(SIXTY_DAYS).toList();
        messy = Simulator.stream(SIXTY_DAYS_MESSY).toList();
    }

    // --- determinism ---------------------------------------------------------------------------

    @Test
    void sameSeedAndConfigGiveIdenticalLines() {
        SimulatorConfig config = SimulatorConfig.builder().seed(99).days(20).encountersPerDay(300).messy().build();

        List<String> first = lines(config);
        List<String> second = lines(config);

        assertThat(first).hasSizeGreaterThan(10_000);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void anotherSeedGivesAnotherFeed() {
        SimulatorConfig config = SimulatorConfig.builder().seed(99).days(5).encountersPerDay(100).build();

        assertThat(lines(config.toBuilder().seed(100).build())).isNotEqualTo(lines(config));
    }

    private static List<String> lines(SimulatorConfig config) {
        return Simulator.stream(config)
                .map(e -> e.deliveredAt() + " " + e.topic() + " " + e.key() + " " + e.toJsonLine())
                .toList();
    }

    @Test
    void messyRunCarriesExactlyTheEventsOfTheCleanRun() {
        Set<String> cleanLines = clean.stream().map(SimEvent::toJsonLine).collect(Collectors.toSet());
        Set<String> messyOriginals = messy.stream().filter(e -> e.kind() == SimEvent.Kind.ORIGINAL)
                .map(SimEvent::toJsonLine).collect(Collectors.toSet());

        // everything delivered before the end in the clean run is delivered in the messy one,
        // except what lateness pushed past the end of the period
        long missing = cleanLines.stream().filter(l -> !messyOriginals.contains(l)).count();
        assertThat(missing).isLessThan(cleanLines.size() / 200);
        assertThat(messyOriginals.stream().filter(l -> !cleanLines.contains(l)).count()).isZero();
        assertThat(clean).allMatch(e -> e.kind() == SimEvent.Kind.ORIGINAL && !e.late());
    }

    // --- messy feed ----------------------------------------------------------------------------

    @Test
    void messyFeedHasDuplicatesLateDeliveriesAndInvalidLinesAtTheConfiguredRates() {
        long originals = messy.stream().filter(e -> e.kind() == SimEvent.Kind.ORIGINAL).count();
        long duplicates = messy.stream().filter(e -> e.kind() == SimEvent.Kind.DUPLICATE).count();
        long invalid = messy.stream().filter(e -> e.kind() == SimEvent.Kind.INVALID).count();
        long late = messy.stream().filter(e -> e.kind() == SimEvent.Kind.ORIGINAL && e.late()).count();

        assertThat(duplicates / (double) originals).isCloseTo(0.01, within(0.003));
        assertThat(invalid / (double) originals).isCloseTo(0.005, within(0.002));
        assertThat(late / (double) originals).isBetween(0.02, 0.04); // late ones hold back their key's next events
    }

    @Test
    void duplicatesRepeatAnEarlierDeliveryWithTheSameEventId() {
        Set<SpecificRecord> delivered = new HashSet<>();
        for (SimEvent e : messy) {
            if (e.kind() == SimEvent.Kind.ORIGINAL) {
                delivered.add(e.event());
            } else if (e.kind() == SimEvent.Kind.DUPLICATE) {
                assertThat(delivered.contains(e.event())).as("delivered before").isTrue();
            }
        }
    }

    @Test
    void invalidLinesAreRejectedForTheirExpectedReason() {
        Set<RejectReason> decodeReasons = Set.of(RejectReason.UNDECODABLE, RejectReason.UNKNOWN_SCHEMA,
                RejectReason.MISSING_FIELD, RejectReason.INVALID_ENUM);
        Set<RejectReason> seen = new HashSet<>();
        for (SimEvent e : messy) {
            if (e.kind() != SimEvent.Kind.INVALID) {
                continue;
            }
            seen.add(e.expectedReject());
            assertThat(e.event()).isNull();
            assertThat(e.rawLine()).doesNotContain("\n");
            JsonEvents.Parsed parsed = JsonEvents.parse(e.rawLine());
            if (decodeReasons.contains(e.expectedReject())) {
                assertThat(parsed.reason()).isEqualTo(e.expectedReject());
            } else {
                // semantic problems decode fine; the validator must catch them
                assertThat(parsed.ok()).isTrue();
                assertSemanticProblem(e.expectedReject(), parsed.event());
            }
        }
        // every reason a JSON line can have (x12_invalid belongs to X12 files)
        assertThat(seen).containsExactlyInAnyOrderElementsOf(
                java.util.EnumSet.complementOf(java.util.EnumSet.of(RejectReason.X12_INVALID)));
    }

    private static void assertSemanticProblem(RejectReason reason, SpecificRecord r) {
        switch (reason) {
            case NEGATIVE_VALUE -> assertThat(hasNegative(r)).isTrue();
            case INVALID_REVISION -> assertThat(((EncounterCoded) r).getRevision()).isLessThan(1);
            case TIME_ORDER -> {
                Instant before = r instanceof EncounterCoded c ? c.getDischargedAt()
                        : r instanceof ClaimDenied d ? d.getSubmittedAt() : ((ClaimPaid) r).getSubmittedAt();
                assertThat(before).isAfter((Instant) r.get(1));
            }
            case CONFIDENCE_RANGE -> {
                double c = ((AiSuggestionReviewed) r).getConfidence();
                assertThat(c < 0.0 || c > 1.0).as("confidence out of range").isTrue();
            }
            case FUTURE_EVENT -> assertThat((Instant) r.get(1)).isAfter(Instant.parse("2100-01-01T00:00:00Z"));
            default -> throw new AssertionError(reason);
        }
    }

    private static boolean hasNegative(SpecificRecord r) {
        for (int i = 0; i < r.getSchema().getFields().size(); i++) {
            if (r.get(i) instanceof Number n && n.doubleValue() < 0) {
                return true;
            }
        }
        return false;
    }

    // --- delivery order ------------------------------------------------------------------------

    @Test
    void deliveriesAreInDeliveryTimeOrderAndNeverBeforeTheyOccur() {
        for (List<SimEvent> feed : List.of(clean, messy)) {
            Instant previous = Instant.MIN;
            for (SimEvent e : feed) {
                assertThat(e.deliveredAt()).isAfterOrEqualTo(previous).isBefore(SIXTY_DAYS.end());
                previous = e.deliveredAt();
                if (e.event() != null) {
                    assertThat(e.deliveredAt()).isAfterOrEqualTo((Instant) e.event().get(1));
                    assertThat(e.topic()).isEqualTo(EventType.valueOf(e.type()).defaultTopic());
                    assertThat(EventType.of(e.event()).name()).isEqualTo(e.type());
                }
            }
        }
    }

    @Test
    void dischargeIsDeliveredBeforeTheFirstCodingOfItsEncounter() {
        for (List<SimEvent> feed : List.of(clean, messy)) {
            Set<String> discharged = new HashSet<>();
            int codings = 0;
            for (SimEvent e : originals(feed)) {
                if (e.event() instanceof EncounterDischarged d) {
                    discharged.add(d.getEncounterId());
                } else if (e.event() instanceof EncounterCoded c && c.getRevision() == 1) {
                    assertThat(discharged.contains(c.getEncounterId())).as("discharge delivered first").isTrue();
                    codings++;
                }
            }
            assertThat(codings).isGreaterThan(10_000);
        }
    }

    @Test
    void eachKeyKeepsItsOrderOnItsTopic() {
        for (List<SimEvent> feed : List.of(clean, messy)) {
            Map<String, Instant> lastOccurred = new HashMap<>();
            for (SimEvent e : originals(feed)) {
                if (e.topic().equals("ai-suggestions")) {
                    continue;
                }
                Instant occurred = (Instant) e.event().get(1);
                Instant before = lastOccurred.put(e.topic() + "/" + e.key(), occurred);
                if (before != null) {
                    assertThat(occurred).isAfterOrEqualTo(before);
                }
            }
        }
    }

    @Test
    void firstAdjudicationOfAClaimComesBeforeItsAppealResult() {
        for (List<SimEvent> feed : List.of(clean, messy)) {
            Map<String, SpecificRecord> first = new HashMap<>();
            int appealed = 0;
            for (SimEvent e : originals(feed)) {
                if (!e.topic().equals("claims")) {
                    continue;
                }
                SpecificRecord initial = first.putIfAbsent(e.key(), e.event());
                if (initial != null) {
                    // only a denial is ever followed by another remittance for the same claim
                    assertThat(initial).isInstanceOf(ClaimDenied.class);
                    assertThat((Instant) e.event().get(1)).isAfter((Instant) initial.get(1));
                    appealed++;
                }
            }
            assertThat(appealed).isPositive();
        }
    }

    @Test
    void aiSuggestionsAreReviewedBetweenDischargeAndFirstCoding() {
        Map<String, Instant> dischargedAt = new HashMap<>();
        Map<String, List<AiSuggestionReviewed>> suggestions = new HashMap<>();
        int checked = 0;
        for (SimEvent e : clean) {
            if (e.event() instanceof EncounterDischarged d) {
                dischargedAt.put(d.getEncounterId(), d.getOccurredAt());
            } else if (e.event() instanceof AiSuggestionReviewed s) {
                suggestions.computeIfAbsent(s.getEncounterId(), k -> new ArrayList<>()).add(s);
            } else if (e.event() instanceof EncounterCoded c && c.getRevision() == 1) {
                List<AiSuggestionReviewed> reviewed = suggestions.getOrDefault(c.getEncounterId(), List.of());
                if (c.getCodingMode() != CodingMode.AI_ASSISTED) {
                    assertThat(reviewed).isEmpty();
                    continue;
                }
                for (AiSuggestionReviewed s : reviewed) {
                    assertThat(s.getOccurredAt()).isAfter(dischargedAt.get(c.getEncounterId()))
                            .isBefore(c.getOccurredAt());
                    assertThat(s.getCoderId()).isEqualTo(c.getCoderId());
                }
                // every AI-sourced final code comes from an accepted or modified suggestion
                long accepted = reviewed.stream().filter(s -> s.getDecision() == Decision.ACCEPTED).count();
                long modified = reviewed.stream().filter(s -> s.getDecision() == Decision.MODIFIED).count();
                assertThat(c.getCodes().stream().filter(x -> x.getSource() == CodeSource.AI_ACCEPTED).count())
                        .isEqualTo(accepted);
                assertThat(c.getCodes().stream().filter(x -> x.getSource() == CodeSource.AI_MODIFIED).count())
                        .isEqualTo(modified);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    // --- magnitudes ----------------------------------------------------------------------------

    @Test
    void initialDenialRateIsBetweenFiveAndTwelvePercent() {
        Map<String, SpecificRecord> first = new HashMap<>();
        for (SimEvent e : originals(clean)) {
            if (e.topic().equals("claims")) {
                first.putIfAbsent(e.key(), e.event());
            }
        }
        long denied = first.values().stream().filter(r -> r instanceof ClaimDenied).count();

        assertThat(first.size()).isGreaterThan(10_000);
        assertThat(denied / (double) first.size()).isBetween(0.05, 0.12);
    }

    @Test
    void inpatientCodingTakesAboutTwentyMinutesAndAiIsTwentyToThirtyFivePercentFaster() {
        Map<String, double[]> seconds = new HashMap<>(); // setting/mode -> {n, sum}
        for (SimEvent e : originals(clean)) {
            if (e.event() instanceof EncounterCoded c && c.getRevision() == 1) {
                double[] s = seconds.computeIfAbsent(c.getSetting() + "/" + c.getCodingMode(), k -> new double[2]);
                s[0]++;
                s[1] += c.getCodingSeconds();
                double[] all = seconds.computeIfAbsent(c.getSetting() + "/all", k -> new double[2]);
                all[0]++;
                all[1] += c.getCodingSeconds();
            }
        }
        assertThat(mean(seconds, "INPATIENT/all")).isCloseTo(1200, within(200.0)); // ~3 records per coder hour
        assertThat(mean(seconds, "OUTPATIENT/MANUAL")).isCloseTo(480, within(60.0));
        assertThat(mean(seconds, "PROFESSIONAL/MANUAL")).isCloseTo(300, within(40.0)); // ~12 E/M per hour
        for (Setting setting : Setting.values()) {
            double lift = 1 - mean(seconds, setting + "/AI_ASSISTED") / mean(seconds, setting + "/MANUAL");
            assertThat(lift).as(setting.name()).isBetween(0.18, 0.37);
        }
    }

    private static double mean(Map<String, double[]> m, String key) {
        double[] s = m.get(key);
        return s[1] / s[0];
    }

    @Test
    void aboutOneToOnePointTwoClaimsPerEncounter() {
        SimulatorConfig config = SimulatorConfig.builder().seed(11).days(150).encountersPerDay(150).build();
        Instant cohortEnd = config.start().plus(Duration.ofDays(20)); // all their claims are settled by day 150
        Set<String> cohort = new HashSet<>();
        Map<String, Set<String>> claims = new HashMap<>();
        Simulator.stream(config).forEach(e -> {
            if (e.event() instanceof EncounterDischarged d && d.getOccurredAt().isBefore(cohortEnd)) {
                cohort.add(d.getEncounterId());
            } else if (e.topic().equals("claims")) {
                String encounter = (String) e.event().get(3);
                claims.computeIfAbsent(encounter, k -> new HashSet<>()).add(e.key());
            }
        });
        long cohortClaims = cohort.stream().mapToLong(id -> claims.getOrDefault(id, Set.of()).size()).sum();

        assertThat(cohortClaims / (double) cohort.size()).isBetween(1.0, 1.2);
        assertThat(claims.keySet()).allMatch(id -> id.length() == 36);
    }

    @Test
    void aiRolloutGoesFromManualToPilotToSteadyState() {
        SimulatorConfig config = SimulatorConfig.builder().seed(5).days(150).encountersPerDay(200).build();
        Instant steady = config.goLive().plus(Duration.ofDays(config.pilotDays() + config.expansionDays()));
        Map<CodingMode, Integer> beforeGoLive = new HashMap<>();
        Map<CodingMode, Integer> steadyState = new HashMap<>();
        Set<String> pilot = new HashSet<>();
        Simulator.stream(config).forEach(e -> {
            if (e.event() instanceof EncounterCoded c && c.getRevision() == 1) {
                Instant discharged = c.getDischargedAt();
                if (discharged.isBefore(config.goLive())) {
                    beforeGoLive.merge(c.getCodingMode(), 1, Integer::sum);
                } else if (discharged.isBefore(config.goLive().plus(Duration.ofDays(config.pilotDays())))) {
                    if (c.getCodingMode() != CodingMode.MANUAL) {
                        pilot.add(c.getSpecialty());
                    }
                } else if (!discharged.isBefore(steady)) {
                    steadyState.merge(c.getCodingMode(), 1, Integer::sum);
                }
                if (c.getCodingMode() == CodingMode.AUTONOMOUS) {
                    assertThat(c.getCoderId()).isNull();
                    assertThat(c.getCodingSeconds()).isZero();
                    assertThat(c.getSetting()).isEqualTo(Setting.PROFESSIONAL);
                    assertThat(c.getCodes()).allMatch(x -> x.getSource() == CodeSource.AUTONOMOUS);
                } else {
                    assertThat(c.getCoderId()).matches("C\\d{3}");
                    assertThat(c.getCodingSeconds()).isPositive();
                }
            }
        });

        assertThat(beforeGoLive.keySet()).containsExactly(CodingMode.MANUAL);
        assertThat(pilot).containsExactlyInAnyOrder("GENERAL_MEDICINE", "CARDIOLOGY");
        int total = steadyState.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(steadyState.get(CodingMode.AI_ASSISTED) / (double) total).isGreaterThan(0.6);
        assertThat(steadyState.get(CodingMode.AUTONOMOUS) / (double) total).isBetween(0.05, 0.25);
        assertThat(steadyState.get(CodingMode.MANUAL) / (double) total).isLessThan(0.2);
    }

    @Test
    void codesAndDenialsUseRealCodeSets() {
        Set<String> emCodes = Set.of("99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215",
                "99221", "99222", "99223", "99231", "99232", "99233", "99281", "99282", "99283", "99284", "99285");
        Set<String> carcs = new HashSet<>();
        int professional = 0;
        for (SimEvent e : originals(clean)) {
            if (e.event() instanceof EncounterCoded c) {
                assertThat(c.getCodes()).isNotEmpty();
                if (c.getSetting() == Setting.PROFESSIONAL) {
                    professional++;
                    assertThat(c.getCodes().stream().map(CodeEntry::getCode)).anyMatch(emCodes::contains);
                }
            } else if (e.event() instanceof ClaimDenied d) {
                assertThat(d.getAdjustments()).isNotEmpty();
                assertThat(d.getDeniedCents()).isPositive().isLessThanOrEqualTo(d.getBilledCents());
                assertThat(d.getAdjustments().stream().mapToLong(a -> a.getAmountCents()).sum())
                        .isLessThanOrEqualTo(d.getBilledCents());
                d.getAdjustments().forEach(a -> carcs.add(a.getGroup() + "-" + a.getReason()));
            } else if (e.event() instanceof ClaimPaid p) {
                assertThat(p.getPaidCents()).isNotNegative().isLessThan(p.getBilledCents());
                assertThat(p.getSubmittedAt()).isBefore(p.getOccurredAt());
                assertThat(Duration.between(p.getSubmittedAt(), p.getOccurredAt()).toDays()).isBetween(7L, 125L);
            }
        }
        assertThat(professional).isPositive();
        assertThat(carcs).contains("CO-16", "CO-197", "CO-50", "OA-18", "CO-45", "CO-11", "CO-97");
        assertThat(carcs.stream().filter(c -> c.startsWith(AdjustmentGroup.PR + "-"))).isNotEmpty();
    }

    // --- bounded memory ------------------------------------------------------------------------

    @Test
    void pendingQueueStaysBoundedOverAMillionEvents() {
        SimulatorConfig config = SimulatorConfig.builder().seed(3).days(3650).encountersPerDay(400).messy().build();
        Simulator sim = new Simulator(config);
        int firstHalfMax = 0;
        int secondHalfMax = 0;
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(sim.hasNext()).isTrue();
            sim.next();
            if (i < 500_000) {
                firstHalfMax = Math.max(firstHalfMax, sim.pendingSize());
            } else {
                secondHalfMax = Math.max(secondHalfMax, sim.pendingSize());
            }
        }
        // an encounter lives at most ~4 months; the queue holds about one entry per live thread of one
        assertThat(sim.maxPendingSize()).isLessThan(40 * config.encountersPerDay());
        assertThat((double) secondHalfMax).isLessThan(firstHalfMax * 1.25);
    }

    // --- writer --------------------------------------------------------------------------------

    @Test
    void jsonlWriterWritesOneLinePerDeliveryAndCountsThem(@TempDir Path dir) throws IOException {
        SimulatorConfig config = SimulatorConfig.builder().seed(1).days(10).encountersPerDay(200).messy().build();
        Path file = dir.resolve("events.jsonl");

        JsonlWriter.Counts counts = JsonlWriter.write(config, file);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) counts.lines());
        assertThat(counts.lines()).isEqualTo(counts.originals() + counts.duplicates() + counts.invalid());
        assertThat(counts.originalsByType().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(counts.originals());
        assertThat(counts.invalidByReason().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(counts.invalid());
        long decoded = lines.stream().filter(l -> JsonEvents.parse(l).ok()).count();
        long undecodable = counts.invalidByReason().entrySet().stream()
                .filter(x -> x.getKey().ordinal() <= RejectReason.INVALID_ENUM.ordinal())
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(decoded).isEqualTo(counts.lines() - undecodable);
        assertThat(lines).isEqualTo(Simulator.stream(config).map(SimEvent::toJsonLine).toList());
    }

    private static List<SimEvent> originals(List<SimEvent> feed) {
        return feed.stream().filter(e -> e.kind() == SimEvent.Kind.ORIGINAL).toList();
    }
}
