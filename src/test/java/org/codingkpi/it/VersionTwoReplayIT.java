package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.cli.Extensions;
import org.codingkpi.compliance.ComplianceConfig;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimSubmitted;
import org.codingkpi.events.CodingMode;
import org.codingkpi.events.EncounterCoded;
import org.codingkpi.events.EventType;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.Scenario;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A messy version-2 history (duplicates, late deliveries, invalid records; claim submissions with
 * replacements and voids, remittances without a submission date, reversals, QA audits, autonomous
 * coding that breaks the mandatory-review rules) through the real pipeline on a real broker: every
 * sample of every billing-side (KPIS.md §3b) and version-2 auditor (§5) family, histogram buckets
 * included, equals what an independent reading of the contract ({@link ReferenceModel}) computes
 * from the same records, and every such family of docs/metrics.md is published with data. The two
 * families that live on the compliance detector's day clock (the acceptance CUSUMs, the open
 * findings) are checked for presence and bounds only.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class VersionTwoReplayIT {
    private static final int PARTITIONS = 2;
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Checked only loosely: they depend on the detector's day clock (docs/compliance.md), not on the events alone. */
    private static final Set<String> DETECTOR_CLOCK = Set.of("coding_ai_acceptance_cusum", "coding_audit_findings_open");

    @TempDir
    Path dir;

    @Test
    void everyBillingAndAuditorFamilyIsWhatTheContractDefines() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineConfig config = PipelineConfig.of(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    PipelineConfig.APPLICATION_ID, "v2-replay-it",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.METRICS_BIND, "127.0.0.1",
                    StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500",
                    // a short CUSUM baseline, so that this short history has acceptance CUSUMs to publish
                    ComplianceConfig.CUSUM_BASELINE_DAYS, "7",
                    ComplianceConfig.CUSUM_MIN_DAILY, "5"));
            kafka.createTopics(Topics.all(config), PARTITIONS);
            EventCodec codec = new EventCodec(new BundledSchemaRegistry());
            // AI go-live on day 10, autonomous coding of inpatient and high-dollar encounters from day 25
            SimulatorConfig simulation = SimulatorConfig.builder().seed(23).days(75).encountersPerDay(45).messy().version2(true)
                    .goLive(SimulatorConfig.DEFAULT_START.plus(Duration.ofDays(10))).scenario(Scenario.OVERSIGHT_BREACH).build();
            SimulatedFeed feed = SimulatedFeed.of(simulation, config, codec);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<SpecificRecord> valid = new ArrayList<>();
            withoutOrAfterTheirSubmissions(feed, config, codec, records, valid);
            assertMessyVersionTwo(feed, valid);

            ReferenceModel reference = new ReferenceModel(PARTITIONS, config.attributionMaxWait().toMillis()).withBuckets();
            reference.run(valid);
            feed.rejects.forEach((reason, n) -> reference.add("coding_events_rejected_total", n, "reason", reason.label()));
            reference.add("coding_stream_time_seconds", reference.streamTimeMs / 1000.0);
            Map<String, Double> expected = reference.expected;

            Scrape scrape;
            // wired as `run` wires it: the compliance gauges and the ROI families are extensions
            try (Pipeline pipeline = Pipeline.start(config, codec, Extensions.forRun(config));
                 Producer<byte[], byte[]> producer = Importer.producer(config)) {
                records.forEach(producer::send);
                producer.flush();
                await("accepted + duplicates + dead-lettered reaches " + records.size()).atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofMillis(200)).until(() -> {
                            assertThat(pipeline.failed()).as("pipeline failed").isFalse();
                            Scrape s = Scrape.orNull(pipeline.metricsPort());
                            return s != null && s.processed() >= records.size();
                        });
                // the end of the history: claims still waiting for a coding are published as unknown (KPIS.md §1)
                Replay.sendEndMarkers(producer, config, PARTITIONS);
                await("every coding_* sample equals the reference").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(GroundTruth.differences(expected, canonical(Scrape.of(pipeline.metricsPort()).kpiSamples())))
                                .isEmpty());
                scrape = Scrape.of(pipeline.metricsPort());
            }
            Files.writeString(Path.of("target", "v2-reference-scrape.prom"), scrape.text());
            Map<String, Double> actual = canonical(scrape.kpiSamples());
            assertThat(GroundTruth.differences(expected, actual)).isEmpty();

            // every billing-side and version-2 auditor family of the metric reference is published, with data, and
            // (but for the detector-clock ones) compared sample by sample above
            Map<String, String> families = versionTwoFamilies();
            for (Map.Entry<String, String> f : families.entrySet()) {
                String name = f.getKey();
                String sample = f.getValue().equals("histogram") ? name + "_count" : name;
                double published = actual.entrySet().stream().filter(e -> Scrape.name(e.getKey()).equals(sample))
                        .mapToDouble(e -> Math.abs(e.getValue())).sum();
                long series = actual.keySet().stream().filter(k -> Scrape.name(k).equals(sample)).count();
                assertThat(series).as("series of %s published", name).isPositive();
                if (DETECTOR_CLOCK.contains(name)) {
                    continue;
                }
                assertThat(published).as("%s carries data", name).isPositive();
                assertThat(expected.entrySet().stream().filter(e -> Scrape.name(e.getKey()).equals(sample) && e.getValue() != 0).count())
                        .as("non-zero series of %s in the reference and published", name)
                        .isEqualTo(actual.entrySet().stream().filter(e -> Scrape.name(e.getKey()).equals(sample) && e.getValue() != 0).count());
                if (f.getValue().equals("histogram")) {
                    assertThat(expected.keySet()).as("buckets of %s in the reference", name).anyMatch(k -> Scrape.name(k).equals(name + "_bucket"));
                }
            }

            // the detector-clock families: both CUSUM directions for every scope; open oversight findings within
            // what the history can hold (one per encounter and rule; open for 30 days of the detector's clock)
            Set<String> up = new HashSet<>();
            Set<String> down = new HashSet<>();
            actual.forEach((k, v) -> {
                if (Scrape.name(k).equals("coding_ai_acceptance_cusum")) {
                    assertThat(v).as(k).isGreaterThanOrEqualTo(0.0);
                    String scope = Scrape.label(k, "specialty") + "/" + Scrape.label(k, "model_version");
                    (Scrape.label(k, "direction").equals("up") ? up : down).add(scope);
                }
            });
            assertThat(up).as("scopes with both CUSUM directions").isNotEmpty().isEqualTo(down);
            long[] breaches = oversightBreaches(valid, reference.streamTimeMs);
            double open = actual.getOrDefault(ReferenceModel.key("coding_audit_findings_open", "kind", "oversight_breach"), 0.0);
            assertThat(open).as("open oversight findings; breaches (encounter and rule) in all and in the last 25 days: %s",
                    java.util.Arrays.toString(breaches)).isBetween((double) breaches[1], (double) breaches[0]);
            System.out.printf("v2 reference: %,d records (%,d duplicates, %,d late, %,d dead-lettered), %,d samples compared "
                            + "(%,d histogram buckets), %d version-2 families; open oversight findings %.0f of %s%n",
                    records.size(), feed.duplicates, feed.late, feed.rejected(), expected.size(),
                    expected.keySet().stream().filter(k -> Scrape.name(k).endsWith("_bucket")).count(), families.size(), open,
                    java.util.Arrays.toString(breaches));
        }
    }

    /**
     * The feed's records, but: the claims of one in 40 lose their 837s (remittances for a claim never
     * seen submitted); those of another one in 40 get them after every other record (an 837 that
     * arrives after its remittances); and in a third one in 40 the first 837 is dated an hour after the
     * claim's first remittance, though delivered before it. So a submission time can be unknown both
     * ways EVENTS.md version 2 names, and a late submission meets a paid claim (KPIS.md §3b, A/R).
     */
    private static void withoutOrAfterTheirSubmissions(SimulatedFeed feed, PipelineConfig config, EventCodec codec,
                                                      List<ProducerRecord<byte[], byte[]>> records, List<SpecificRecord> valid) {
        long end = feed.valid.stream().mapToLong(EventType::occurredAtMs).max().orElseThrow();
        Map<String, Long> firstRemittance = new java.util.HashMap<>();
        Map<String, ClaimSubmitted> redated = new java.util.HashMap<>();
        for (SpecificRecord e : feed.valid) {
            if (e instanceof ClaimPaid || e instanceof ClaimDenied) {
                firstRemittance.putIfAbsent(EventType.key(e), EventType.occurredAtMs(e));
            }
        }
        for (SpecificRecord e : feed.valid) {
            if (e instanceof ClaimSubmitted s && Math.floorMod(s.getClaimId().hashCode(), 40) == 2 && firstRemittance.containsKey(s.getClaimId())
                    && !redated.containsKey(s.getClaimId())) {
                long at = Math.min(end, firstRemittance.get(s.getClaimId()) + Duration.ofHours(1).toMillis());
                redated.put(s.getClaimId(), ClaimSubmitted.newBuilder(s).setOccurredAt(java.time.Instant.ofEpochMilli(at)).build());
            }
        }
        Set<String> redatedIds = new HashSet<>();
        redated.values().forEach(s -> redatedIds.add(s.getEventId()));
        List<ProducerRecord<byte[], byte[]>> lateRecords = new ArrayList<>();
        List<SpecificRecord> lateEvents = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < feed.records.size(); i++) {
            SpecificRecord e = feed.eventOfRecord.get(i);
            ProducerRecord<byte[], byte[]> r = feed.records.get(i);
            int group = e instanceof ClaimSubmitted s ? Math.floorMod(s.getClaimId().hashCode(), 40) : -1;
            if (group == 0) {
                continue;
            }
            if (group == 1) {
                lateRecords.add(r);
                lateEvents.add(e);
                continue;
            }
            if (e instanceof ClaimSubmitted s && redatedIds.contains(s.getEventId())) {
                e = redated.get(s.getClaimId()); // and its re-deliveries alike
                r = SimulatedFeed.record(e, config, codec, now);
            }
            records.add(r);
            if (e != null) {
                valid.add(e);
            }
        }
        records.addAll(lateRecords);
        valid.addAll(lateEvents);
    }

    /** The history is what the test claims: messy, and version 2 in every respect the families depend on. */
    private static void assertMessyVersionTwo(SimulatedFeed feed, List<SpecificRecord> valid) {
        assertThat(feed.duplicates).as("duplicates").isPositive();
        assertThat(feed.late).as("late deliveries").isPositive();
        assertThat(feed.rejected()).as("invalid records").isPositive();
        Set<String> seen = new HashSet<>();
        for (SpecificRecord e : valid) {
            seen.add(EventType.of(e).name());
            if (e instanceof ClaimSubmitted s) {
                seen.add(s.getFrequency().name());
            } else if (e instanceof ClaimPaid p && p.getSubmittedAt() == null) {
                seen.add("paid without submitted_at");
            } else if (e instanceof ClaimDenied d && d.getSubmittedAt() == null) {
                seen.add("denied without submitted_at");
            } else if (e instanceof EncounterCoded c && c.getCodingMode() == CodingMode.AUTONOMOUS && c.getRevision() == 1
                    && c.getSetting() == org.codingkpi.events.Setting.INPATIENT) {
                seen.add("autonomous inpatient");
            }
        }
        assertThat(seen).as("what the history holds").contains("ClaimSubmitted", "ClaimReversed", "CodingAudited",
                ClaimFrequency.ORIGINAL.name(), ClaimFrequency.REPLACEMENT.name(), ClaimFrequency.VOID.name(),
                "paid without submitted_at", "denied without submitted_at", "autonomous inpatient");
    }

    /**
     * The §3b families (the rows from {@code coding_claims_submitted_total} to
     * {@code coding_claims_payment_time_unknown_total}) and the version-2 auditor families (from
     * {@code coding_ai_acceptance_cusum} to {@code coding_audit_findings_open}) of docs/metrics.md, with their type.
     */
    static Map<String, String> versionTwoFamilies() throws java.io.IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("docs/metrics.md"))) {
            String[] cells = line.split("\\|");
            if (line.startsWith("| `coding_") && cells.length > 2) {
                rows.add(new String[] {cells[1].trim().replace("`", ""), cells[2].trim()});
            }
        }
        Map<String, String> out = new TreeMap<>();
        boolean in = false;
        for (String[] r : rows) {
            in |= r[0].equals("coding_claims_submitted_total") || r[0].equals("coding_ai_acceptance_cusum");
            if (in) {
                out.put(r[0], r[1]);
            }
            in &= !(r[0].equals("coding_claims_payment_time_unknown_total") || r[0].equals("coding_audit_findings_open"));
        }
        assertThat(out).as("version-2 families of docs/metrics.md").containsKeys("coding_claims_submitted_total",
                "coding_dnfb_encounters", "coding_bill_lag_seconds", "coding_ar_open_dollars", "coding_claim_denial_reasons_total",
                "coding_denial_resolution_seconds", "coding_claims_reversed_total", "coding_claims_payment_time_unknown_total",
                "coding_ai_assisted_codes_total", "coding_oversight_breaches_total", "coding_qa_audits_total",
                "coding_qa_dollar_impact_dollars_total", "coding_audit_findings_open").hasSizeGreaterThanOrEqualTo(19);
        return out;
    }

    /**
     * Distinct (encounter, rule) oversight breaches under the default rules: in the whole history, and
     * those coded within the last 25 days of stream time (open whatever the detector's clock lags, as a
     * finding stays open for 30 days: docs/compliance.md).
     */
    private static long[] oversightBreaches(List<SpecificRecord> valid, long streamTimeMs) {
        Set<String> all = new HashSet<>();
        Set<String> recent = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (SpecificRecord e : valid) {
            if (e instanceof EncounterCoded c && ids.add(c.getEventId()) && c.getRevision() == 1 && c.getCodingMode() == CodingMode.AUTONOMOUS) {
                List<String> rules = new ArrayList<>();
                if (c.getSetting() == org.codingkpi.events.Setting.INPATIENT) {
                    rules.add("inpatient");
                }
                if (c.getChargeCents() >= 2_500_000L) {
                    rules.add("high_dollar");
                }
                for (String rule : rules) {
                    all.add(c.getEncounterId() + rule);
                    if (streamTimeMs - c.getOccurredAt().toEpochMilli() < Duration.ofDays(25).toMillis()) {
                        recent.add(c.getEncounterId() + rule);
                    }
                }
            }
        }
        return new long[] {all.size(), recent.size()};
    }

    /** The samples keyed as {@link ReferenceModel#key} writes them: labels sorted by name, {@code le} as {@link ReferenceModel#le}. */
    static Map<String, Double> canonical(Map<String, Double> samples) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            List<String> labels = new ArrayList<>();
            int brace = k.indexOf('{');
            if (brace >= 0) {
                Matcher m = LABEL.matcher(k.substring(brace));
                while (m.find()) {
                    labels.add(m.group(1));
                    labels.add(m.group(1).equals("le") ? ReferenceModel.le(Double.parseDouble(m.group(2).replace("+Inf", "Infinity")))
                            : m.group(2));
                }
            }
            out.put(ReferenceModel.key(Scrape.name(k), labels.toArray(String[]::new)), v);
        });
        return out;
    }
}
