package org.codingkpi.it;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.app.Replay;
import org.codingkpi.events.RejectReason;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A messy simulated history (duplicates, late deliveries, invalid lines) replayed through the real
 * pipeline on a real broker: every coding_* series equals what an independent reading of the
 * contract computes from the same file, and a second replay gives the identical exposition.
 */
@Tag("integration")
class ReplayIT {
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;

    @Test
    void replayPublishesExactlyWhatTheContractDefinesAndIsRepeatable() throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).days(75).encountersPerDay(120).messy().build();
        Path file = dir.resolve("history.jsonl");
        List<SpecificRecord> valid = new ArrayList<>();
        Map<RejectReason, Long> invalid = new EnumMap<>(RejectReason.class);
        long lines = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            Simulator sim = new Simulator(config);
            while (sim.hasNext()) {
                SimEvent e = sim.next();
                w.write(e.toJsonLine());
                w.newLine();
                lines++;
                if (e.event() != null) {
                    valid.add(e.event());
                } else {
                    invalid.merge(e.expectedReject(), 1L, Long::sum);
                }
            }
        }
        assertThat(invalid).isNotEmpty();

        Replay.Outcome first = new Replay(PARTITIONS, Map.of(), System.err).run(file, dir.resolve("out1"), List.of());
        String text = Files.readString(dir.resolve("out1/metrics.prom"));
        Map<String, Double> actual = Exposition.samples(text);

        ReferenceModel reference = new ReferenceModel(PARTITIONS, Duration.ofDays(30).toMillis());
        reference.run(valid);
        invalid.forEach((reason, n) -> reference.add("coding_events_rejected_total", n, "reason", reason.label()));

        assertThat(first.imported().linesRead).isEqualTo(lines);
        for (Map.Entry<String, Double> e : reference.expected.entrySet()) {
            assertThat(actual).as("series %s", e.getKey()).containsKey(e.getKey());
            assertThat(actual.get(e.getKey())).as("value of %s", e.getKey()).isCloseTo(e.getValue(), org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(e.getValue()))));
        }
        // nothing published beyond the reference but zeros, for the families the reference covers
        Map<String, Double> unexpected = new TreeMap<>();
        actual.forEach((k, v) -> {
            String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
            boolean covered = reference.expected.keySet().stream().anyMatch(r -> r.startsWith(name + "{") || r.equals(name));
            if (covered && !reference.expected.containsKey(k) && v != 0.0) {
                unexpected.put(k, v);
            }
        });
        assertThat(unexpected).as("series the contract does not produce").isEmpty();

        new Replay(PARTITIONS, Map.of(), System.err).run(file, dir.resolve("out2"), List.of());
        assertThat(Files.readString(dir.resolve("out2/metrics.prom"))).as("second replay of the same file").isEqualTo(text);
    }
}
