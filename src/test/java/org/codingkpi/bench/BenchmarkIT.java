package org.codingkpi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code benchmark} end to end at a tiny size, on the embedded broker: every pass runs, the figures
 * are consistent with each other, and the JSON file carries them. Rates are not checked (the
 * machine is shared); the structure and the arithmetic are.
 */
@Tag("integration")
class BenchmarkIT {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theStandardRunMeasuresEveryPassOnTheSameRecords(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new Benchmark(new PrintStream(text, true, StandardCharsets.UTF_8)).run(new Benchmark.Options(200, 3, 2, 2, 1, 2, 200, 5, 25, 2, 0, 10,
                0, json, Map.of(), "benchmark (test)"));

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        long records = root.at("/history/records").asLong();
        assertThat(records).isPositive();
        JsonNode passes = root.get("passes");
        assertThat(passes).hasSize(4);
        for (JsonNode p : passes) {
            assertThat(p.get("events").asLong()).as(p.get("pass").asText()).isEqualTo(records);
            assertThat(p.get("events_per_second").asDouble()).isPositive();
            // a pass of this tiny history can finish within the thread CPU clock's granularity: 0 is possible, negative is not
            assertThat(p.get("stream_thread_cpu_us_per_event").asDouble()).isNotNegative();
            // the process CPU clock ticks in scheduler jiffies (10 ms): a tiny pass may read 0 there too; else it covers the thread's
            double process = p.get("process_cpu_us_per_event").asDouble();
            assertThat(process == 0 || process >= p.get("stream_thread_cpu_us_per_event").asDouble())
                    .as("process CPU %s covers the stream thread's %s", process, p.get("stream_thread_cpu_us_per_event")).isTrue();
        }
        // the pass-through writes exactly one record per input record to its output topic, markers aside
        JsonNode passThrough = passes.get(1);
        assertThat(passThrough.get("records_written").asLong()).isEqualTo(records);
        // the one-store floor writes at most one changelog record per input record (the cache absorbs some)
        assertThat(passes.get(2).get("records_written").asLong()).isPositive().isLessThanOrEqualTo(records);
        JsonNode pipeline = passes.get(3);
        assertThat(pipeline.get("records_written_by_topic")).isNotEmpty();
        assertThat(pipeline.get("heap_after_gc_mb").asLong()).isPositive();
        assertThat(root.at("/visibility/probes").asInt() + root.at("/visibility/timeouts").asInt()).isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("pass (same topics, warm)", "records written to the broker by the pipeline");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theLongModeSamplesAlongTheWayAndRestoresAWipedStateDirectory(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("long.json");
        new Benchmark(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(new Benchmark.Options(200, 3, 2, 2, 1, 2,
                200, 5, 25, 2, 4_000, 4, 0, json, Map.of(), "benchmark --events 4000 (test)"));

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/pipeline/complete").asBoolean()).isTrue();
        assertThat(root.at("/pipeline/events").asLong()).isEqualTo(4_000);
        // progress is polled every 200 ms: a fast pipeline may finish this small history between two polls, so only the
        // last sample (at 100 %) is certain; the samples along the way are what the 5M-event runs in BENCHMARKS.md show
        int samples = root.get("samples").size();
        assertThat(samples).isBetween(1, 5);
        assertThat(root.at("/samples/" + (samples - 1) + "/progress_percent").asDouble()).isEqualTo(100.0);
        assertThat(root.at("/samples/0/heap_after_gc_mb").asLong()).isPositive();
        assertThat(root.at("/samples/0/encounter_records").isNumber()).isTrue();
        assertThat(root.at("/restore/seconds_to_running").asDouble()).isPositive();
        assertThat(root.at("/restore/seconds_to_same_state").asDouble()).isGreaterThanOrEqualTo(root.at("/restore/seconds_to_running").asDouble());
    }
}
