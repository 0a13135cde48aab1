package org.codingkpi.it;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.codingkpi.app.Replay;
import org.codingkpi.cli.Main;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.codingkpi.simulator.X12Renderer;
import org.codingkpi.x12.X12Import;
import org.codingkpi.x12.X12Settings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 item 4: one simulated version-2 history, messy (duplicates, late deliveries, invalid
 * lines), rendered twice and replayed by {@code replay} (the command, with its ROI and compliance
 * additions) into a fresh pipeline each time:
 * <ul>
 *   <li>the X12 rendering, as {@code simulate --format x12 --output DIR} writes it: {@code events.jsonl}
 *       with the encounter, AI and QA deliveries, and {@code x12/} with every claim event as 837 and
 *       835 files, some files dropped a second time by the clearinghouse ({@code *-resent.x12});</li>
 *   <li>the JSON rendering: the same deliveries, claims included, as one JSON-lines file.</li>
 * </ul>
 * Every {@code coding_*} sample of the two {@code metrics.prom} must be identical, the ingest
 * families included (only the operational {@code coding_pipeline_*} gauges are not compared), and so
 * must the audit findings. No family is left out of the comparison; the
 * JSON rendering is made comparable where X12 has no form for a delivery (the renderer says so):
 * <ul>
 *   <li>a claim event's re-delivery and an invalid claim line cannot be written as X12, so the JSON
 *       rendering leaves them out as well (the encounter feed keeps its duplicates and invalid lines
 *       in both renderings);</li>
 *   <li>a re-sent X12 file delivers its claim events again: the JSON rendering re-delivers the same
 *       events (same event id) right after their first delivery, as the file follows its original.</li>
 * </ul>
 * The X12 importer derives its own event ids, which no series shows. The claims reach the pipeline
 * in another order in the two renderings (by file, after all encounter events, against delivery
 * order, late deliveries included): the series must not depend on it.
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class X12ReplayIT {
    @TempDir
    Path dir;

    @Test
    void x12AndJsonRenderingsOfOneHistoryPublishIdenticalCodingSeries() throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).days(75).encountersPerDay(120).messy().version2(true).build();

        Path x12 = dir.resolve("x12-rendering");
        X12Renderer.Written written = X12Renderer.simulate(config, x12);
        Map<String, Integer> resent = resentClaimEvents(written.x12Files());
        assertThat(resent).as("claim events in re-sent X12 files").isNotEmpty();

        Path json = dir.resolve("json-rendering.jsonl");
        long claimLinesLeftOut = 0;
        try (BufferedWriter w = Files.newBufferedWriter(json)) {
            Simulator sim = new Simulator(config);
            while (sim.hasNext()) {
                SimEvent e = sim.next();
                if ("claims".equals(e.topic()) && e.kind() != SimEvent.Kind.ORIGINAL) {
                    claimLinesLeftOut++;
                    continue;
                }
                w.write(e.toJsonLine());
                w.newLine();
                if ("claims".equals(e.topic())) {
                    String c = canonical(e.event());
                    Integer copies = resent.remove(c);
                    if (copies != null) {
                        w.write(e.toJsonLine()); // the re-drop, right after its first delivery
                        w.newLine();
                        if (copies > 1) {
                            resent.put(c, copies - 1);
                        }
                    }
                }
            }
        }
        assertThat(claimLinesLeftOut).isEqualTo(written.claimLinesLeftOut());
        assertThat(resent).as("every re-sent claim event found in the JSON rendering").isEmpty();

        Map<String, Double> fromX12 = replay(x12, dir.resolve("out-x12"));
        Map<String, Double> fromJson = replay(json, dir.resolve("out-json"));

        assertThat(fromJson.keySet()).as("the JSON rendering publishes the version-2 families").map(Scrape::name)
                .contains("coding_claims_submitted_total", "coding_claims_reversed_total", "coding_ar_open_dollars",
                        "coding_claim_denial_reasons_total", "coding_qa_audits_total", "coding_ai_assisted_codes_total", "coding_roi_ratio");
        assertThat(fromJson).as("claim duplicates (the re-sent files)").containsKey("coding_events_duplicate_total{type=\"ClaimPaid\"}");
        Map<String, String> differences = new TreeMap<>();
        Set<String> keys = new TreeSet<>(fromX12.keySet());
        keys.addAll(fromJson.keySet());
        for (String k : keys) {
            if (!Objects.equals(fromX12.get(k), fromJson.get(k))) {
                differences.put(k, "X12 " + fromX12.get(k) + ", JSON lines " + fromJson.get(k));
            }
        }
        assertThat(differences).as("samples that differ between the renderings (of %d)", keys.size()).isEmpty();
        assertThat(Files.readString(dir.resolve("out-x12").resolve(Replay.AUDIT_FINDINGS_FILE)))
                .isEqualTo(Files.readString(dir.resolve("out-json").resolve(Replay.AUDIT_FINDINGS_FILE)));
    }

    /** {@code replay --input IN --out OUT}; the coding_* samples of OUT/metrics.prom (not the operational coding_pipeline_*). */
    private static Map<String, Double> replay(Path input, Path out) throws IOException {
        int code = Main.commandLine().execute("replay", "--input", input.toString(), "--out", out.toString());
        assertThat(code).as("replay of %s", input.getFileName()).isZero();
        Map<String, Double> samples = new TreeMap<>();
        Exposition.samples(Files.readString(out.resolve("metrics.prom"))).forEach((k, v) -> {
            if (k.startsWith("coding_") && !k.startsWith("coding_pipeline_")) {
                samples.put(k, v);
            }
        });
        return samples;
    }

    /** The claim events of the re-sent files (each file a second drop of its original), canonical, with their count. */
    private static Map<String, Integer> resentClaimEvents(List<Path> files) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        for (Path f : files) {
            if (!f.getFileName().toString().endsWith("-resent.x12")) {
                continue;
            }
            X12Import.read(f.getFileName().toString(), Files.readAllBytes(f), X12Settings.defaults(), System.currentTimeMillis(),
                    new X12Import.Sink() {
                        @Override
                        public void event(SpecificRecord event) {
                            out.merge(canonical(event), 1, Integer::sum);
                        }

                        @Override
                        public void deadLetter(byte[] value, Map<String, String> headers) {
                            throw new AssertionError("the renderer wrote a refused transaction set: " + headers);
                        }
                    });
        }
        return out;
    }

    /** The event as a JSON line with its event id blanked (the X12 importer derives its own). */
    private static String canonical(SpecificRecord e) {
        SpecificRecordBase copy = (SpecificRecordBase) SpecificData.get().deepCopy(e.getSchema(), e);
        copy.put(0, "-");
        return JsonEvents.toJson(copy);
    }
}
