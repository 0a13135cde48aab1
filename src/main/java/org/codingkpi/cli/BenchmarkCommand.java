package org.codingkpi.cli;

import org.codingkpi.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "benchmark", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Measures the pipeline against a ceiling and two floors.",
        description = {"Measures, in one JVM with an embedded broker, on the same preloaded topics, each pass after a warm-up pass:",
                "- the ceiling: a plain consumer that reads and decodes;",
                "- the floors: a Kafka Streams pass-through and a one-store topology, exactly_once_v2;",
                "- the pipeline, exactly_once_v2.",
                "For each: events/s, stream-thread and process CPU per event. For the pipeline also: records written to the",
                "broker per input event by topic, /metrics visibility at a live rate, heap after GC, peak RSS, state on disk.",
                "With --events N: a long history instead, heap/RSS/state sampled along the way, then the restore time of a",
                "wiped state directory. Figures are printed (and written with --json); BENCHMARKS.md records them."})
public final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--days", defaultValue = "60", description = "Simulated days of history (default: ${DEFAULT-VALUE}: ~216k records; 80 days: ~312k).")
    int days;

    @Option(names = "--encounters-per-day", defaultValue = "1000", description = "Volume (default: ${DEFAULT-VALUE}).")
    int encountersPerDay;

    @Option(names = "--warmup-days", defaultValue = "40", description = "Days of the warm-up history, on separate topics: enough for the JIT to compile the pipeline (default: ${DEFAULT-VALUE}).")
    int warmupDays;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions per input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--consumer-passes", defaultValue = "3", description = "Plain-consumer passes, the first one a warm-up (default: ${DEFAULT-VALUE}).")
    int consumerPasses;

    @Option(names = "--live-rate", defaultValue = "2000", description = "Events/s of the live feed for the visibility probes (default: ${DEFAULT-VALUE}).")
    double liveRate;

    @Option(names = "--probes", defaultValue = "100", description = "Visibility probes (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--probe-poll-ms", defaultValue = "25", description = "Scrape interval while a probe is pending (default: ${DEFAULT-VALUE}).")
    long probePollMs;

    @Option(names = "--visibility-minutes", defaultValue = "4", description = "Stop probing after this long, whatever --probes says"
            + " (default: ${DEFAULT-VALUE}).")
    double visibilityMinutes;

    @Option(names = "--events", defaultValue = "0", description = "Long-history mode: a history of this many events (e.g. 5000000),"
            + " heap/RSS/state sampled over time, then the restore of a wiped state directory.")
    long events;

    @Option(names = "--samples", defaultValue = "10", description = "Long mode: samples over the history (default: ${DEFAULT-VALUE}, every 10 %%).")
    int samples;

    @Option(names = "--max-minutes", defaultValue = "0", description = "Long mode: stop the pipeline pass after this many minutes and record how far"
            + " it got (default: no limit).")
    double maxMinutes;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to this JSON file.")
    Path json;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any pipeline, Kafka Streams or client setting (the floors get the Streams ones too).")
    java.util.Map<String, String> settings = new java.util.TreeMap<>();

    @Override
    public Integer call() throws Exception {
        if (days < 1 || warmupDays < 1 || encountersPerDay < 1 || partitions < 1 || threads < 1 || probes < 1 || liveRate <= 0 || events < 0) {
            throw new IllegalArgumentException("--days, --warmup-days, --encounters-per-day, --partitions, --threads, --probes and --live-rate"
                    + " must be positive, --events not negative");
        }
        java.util.List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals(spec.name())) {
            args.remove(0); // picocli keeps the subcommand's own name
        }
        String command = "java -jar target/coding-kpi.jar benchmark " + String.join(" ", args);
        new Benchmark(System.out).run(new Benchmark.Options(encountersPerDay, days, warmupDays, partitions, threads, consumerPasses, liveRate,
                probes, probePollMs, visibilityMinutes, events, samples, maxMinutes, json, settings, command.strip()));
        return 0;
    }
}
