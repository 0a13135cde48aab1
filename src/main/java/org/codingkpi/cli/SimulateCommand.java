package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Importer;
import org.codingkpi.app.SimFeed;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.serde.EventCodec;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates a hospital coding department (seeded, deterministic): discharges, AI suggestions, codings,",
                "recodes, claims, denials with CARC/RARC codes, appeals. Writes JSON lines or sends to Kafka."})
public final class SimulateCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--output", paramLabel = "FILE.jsonl|DIR",
                description = "Write JSON lines to this file (with --format x12: a directory, see --format).")
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

    @Option(names = "--events", defaultValue = "v1", paramLabel = "v1|v2",
            description = {"v1 (default): the version-1 events. v2: also ClaimSubmitted (some VOID and REPLACEMENT), ClaimReversed,",
                    "CodingAudited, remittance adjustments, remittances without submitted_at, model_version on AI codings."})
    String events;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "jsonl|x12",
            description = {"jsonl (default), or x12: --output DIR gets events.jsonl (encounters, AI, QA) and x12/ with the claims as",
                    "837 and 835 files (implies --events v2); `replay --input DIR` and `import DIR` read both."})
    String format;

    @Override
    public Integer call() throws Exception {
        if (!events.equals("v1") && !events.equals("v2")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--events: expected v1 or v2");
        }
        if (!format.equals("jsonl") && !format.equals("x12")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--format: expected jsonl or x12");
        }
        Instant s = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        SimulatorConfig.Builder b = SimulatorConfig.builder().seed(seed).start(s).days(days).encountersPerDay(encountersPerDay)
                .goLive(s.plusSeconds(86400L * goLiveDays))
                .scenario(scenario).scenarioStart(scenarioDay == null ? null : s.plusSeconds(86400L * scenarioDay));
        SimulatorConfig sim = (messy ? b.messy() : b).version2(events.equals("v2")).build();
        if (format.equals("x12")) {
            if (target.output == null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--format x12 needs --output DIR");
            }
            org.codingkpi.simulator.X12Renderer.Written w = org.codingkpi.simulator.X12Renderer.simulate(sim, target.output);
            System.err.printf("wrote %,d lines to %s and %,d claim events as %,d X12 files to %s (%,d claim re-deliveries and "
                    + "invalid claim lines have no X12 form)%n", w.jsonLines(), target.output.resolve("events.jsonl"), w.claimEvents(),
                    w.x12Files().size(), target.output.resolve("x12"), w.claimLinesLeftOut());
            return 0;
        }
        if (target.output != null) {
            JsonlWriter.Counts c = JsonlWriter.write(sim, target.output);
            System.err.printf("wrote %,d lines to %s%n", c.lines(), target.output);
            return 0;
        }
        PipelineConfig c = PipelineConfig.load(config, System.getenv()).with(PipelineConfig.BOOTSTRAP_SERVERS, target.bootstrap);
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
