package org.codingkpi.cli;

import org.codingkpi.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "benchmark", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Measures throughput, latency, heap and state on a local broker.",
        description = {"Measures, on this machine with an embedded broker: a plain consumer's read+decode rate, the pipeline's",
                "exactly-once rate on the same topics, /metrics visibility latency at a live rate, heap and state size.",
                "Figures are printed; BENCHMARKS.md records them."})
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--days", defaultValue = "60", description = "Simulated days of history (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--encounters-per-day", defaultValue = "1000", description = "Volume (default: ${DEFAULT-VALUE}; ~3.3 events per encounter).")
    int encountersPerDay;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions per input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--live-rate", defaultValue = "2000", description = "Events/s of the live feed for the latency probe (default: ${DEFAULT-VALUE}).")
    double liveRate;

    @Option(names = "--probes", defaultValue = "100", description = "Latency probes (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any pipeline, Kafka Streams or client setting.")
    java.util.Map<String, String> settings = new java.util.TreeMap<>();

    @Override
    public Integer call() throws Exception {
        new Benchmark(System.out).run(new Benchmark.Options(encountersPerDay, days, partitions, threads, liveRate, probes, settings));
        return 0;
    }
}
