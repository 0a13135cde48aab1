package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Importer;
import org.codingkpi.app.SimFeed;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.SchemaRegistries;
import org.codingkpi.simulator.JsonlWriter;
import org.codingkpi.simulator.Scenario;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates a hospital coding department (seeded, deterministic): discharges, AI suggestions, codings,",
                "recodes, claims, denials with CARC/RARC codes, appeals. Writes JSON lines or sends to Kafka."})
public final class SimulateCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--output", paramLabel = "FILE.jsonl", description = "Write JSON lines to this file.")
        Path output;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Send to the input topics of this cluster.")
        String bootstrap;
    }

    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (topic names, security) when sending to Kafka.")
    Path config;

    @Option(names = "--days", defaultValue = "90", description = "Simulated days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--encounters-per-day", defaultValue = "1000", description = "Volume (default: ${DEFAULT-VALUE}).")
    int encountersPerDay;

    @Option(names = "--start", defaultValue = "2026-01-01", description = "First simulated day, UTC (default: ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(names = "--go-live-days", defaultValue = "30", description = "AI go-live, days after the start (default: ${DEFAULT-VALUE}).")
    int goLiveDays;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--messy", description = "Duplicates, late deliveries and invalid lines, as real feeds have.")
    boolean messy;

    @Option(names = "--scenario", defaultValue = "none", paramLabel = "NAME", converter = ScenarioConverter.class,
            description = "An anomaly for the compliance monitoring to find: none, rubber-stamp, em-drift, denial-spike (default: ${DEFAULT-VALUE}).")
    Scenario scenario;

    @Option(names = "--scenario-day", paramLabel = "N", description = "Simulated day (from --start) the scenario starts; default: go-live + 15 days.")
    Integer scenarioDay;

    @Override
    public Integer call() throws Exception {
        Instant s = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        SimulatorConfig.Builder b = SimulatorConfig.builder().seed(seed).start(s).days(days).encountersPerDay(encountersPerDay)
                .goLive(s.plusSeconds(86400L * goLiveDays))
                .scenario(scenario).scenarioStart(scenarioDay == null ? null : s.plusSeconds(86400L * scenarioDay));
        SimulatorConfig sim = (messy ? b.messy() : b).build();
        if (target.output != null) {
            JsonlWriter.Counts c = JsonlWriter.write(sim, target.output);
            System.err.printf("wrote %,d lines to %s%n", c.lines(), target.output);
            return 0;
        }
        PipelineConfig c = PipelineConfig.load(config, System.getenv()).with(PipelineConfig.BOOTSTRAP_SERVERS, target.bootstrap);
        KafkaAccess.check(c, PipelineAcls.forImport(c), Set.of(c.deadLetterTopic()), Duration.ofSeconds(30));
        long n = 0;
        try (Producer<byte[], byte[]> producer = Importer.producer(c)) {
            SimFeed feed = new SimFeed(c, new EventCodec(SchemaRegistries.fromConfig(c)), producer);
            Simulator simulator = new Simulator(sim);
            while (simulator.hasNext()) {
                SimEvent e = simulator.next();
                long ts = e.event() != null ? EventType.occurredAtMs(e.event()) : e.deliveredAt().toEpochMilli();
                feed.send(e, Math.min(ts, System.currentTimeMillis()));
                n++;
            }
        }
        System.err.printf("sent %,d records to %s%n", n, target.bootstrap);
        return 0;
    }
}
