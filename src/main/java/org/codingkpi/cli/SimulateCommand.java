package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Clusters;
import org.codingkpi.app.Importer;
import org.codingkpi.app.LiveFeed;
import org.codingkpi.app.ProducerCheck;
import org.codingkpi.app.SimFeed;
import org.codingkpi.app.Topics;
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
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Simulates a coding department: JSON lines, Kafka, or live feed.",
        description = {"Simulates a hospital coding department (seeded, deterministic): discharges, AI suggestions, codings,",
                "recodes, claims, denials with CARC/RARC codes, appeals. Writes JSON lines or sends to Kafka; with --live,",
                "sends a compressed history and then keeps feeding in real time until stopped (the compose stack's feeder)."})
public final class SimulateCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--output", paramLabel = "FILE.jsonl|DIR",
                description = "Write JSON lines to this file (with --format x12: a directory, see --format).")
        Path output;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Send to the input topics of this cluster "
                + "(overrides bootstrap.servers of --config).")
        String bootstrap;
    }

    @ArgGroup(multiplicity = "0..1")
    Target target;

    @Option(names = "--config", paramLabel = "FILE", description = {"Properties file when sending to Kafka: bootstrap.servers, "
            + "schema.registry.url, topics, security.", "Give the pipeline's own file, and producer and pipeline use the same "
            + "registry. Without --output or --bootstrap-servers, sends to its bootstrap.servers."})
    Path config;

    @Option(names = "--live", description = {"Deliver live: start --history-days before today, send that history at --speed, "
            + "then continue in real time", "until stopped (record timestamps = wall clock). --start and --days do not apply."})
    boolean live;

    @Option(names = "--history-days", defaultValue = "120", paramLabel = "N",
            description = "With --live: simulated days before today to start from (default: ${DEFAULT-VALUE}).")
    int historyDays;

    @Option(names = "--speed", defaultValue = "7200", paramLabel = "X",
            description = "With --live: simulated seconds per wall-clock second until the present (default: ${DEFAULT-VALUE}).")
    double speed;

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
            description = {"An anomaly for the compliance monitoring to find: none, rubber-stamp, em-drift, denial-spike,",
                    "degrading-model, oversight-breach (default: ${DEFAULT-VALUE})."})
    Scenario scenario;

    @Option(names = "--scenario-day", paramLabel = "N", description = "Simulated day (from --start) the scenario starts; default: go-live + 15 days.")
    Integer scenarioDay;

    @Option(names = "--events", defaultValue = "v1", paramLabel = "v1|v2",
            description = {"v1 (default): the version-1 events. v2: also ClaimSubmitted (some VOID and REPLACEMENT), ClaimReversed,",
                    "remittance adjustments, remittances without submitted_at, model_version on AI codings, and in every",
                    "scenario a QA stream (CodingAudited, about 3 in 100 codings; one coder and the newest model less accurate)."})
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
        Instant s = live ? Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(historyDays))
                : start.atStartOfDay(ZoneOffset.UTC).toInstant();
        SimulatorConfig.Builder b = SimulatorConfig.builder().seed(seed).start(s).days(live ? historyDays + 3650 : days)
                .encountersPerDay(encountersPerDay)
                .goLive(s.plusSeconds(86400L * goLiveDays))
                .scenario(scenario).scenarioStart(scenarioDay == null ? null : s.plusSeconds(86400L * scenarioDay));
        SimulatorConfig sim = (messy ? b.messy() : b).version2(events.equals("v2")).build();
        if (format.equals("x12")) {
            if (target == null || target.output == null || live) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--format x12 needs --output DIR");
            }
            org.codingkpi.simulator.X12Renderer.Written w = org.codingkpi.simulator.X12Renderer.simulate(sim, target.output);
            System.err.printf("wrote %,d lines to %s and %,d claim events as %,d X12 files to %s (%,d claim re-deliveries and "
                    + "invalid claim lines have no X12 form)%n", w.jsonLines(), target.output.resolve("events.jsonl"), w.claimEvents(),
                    w.x12Files().size(), target.output.resolve("x12"), w.claimLinesLeftOut());
            return 0;
        }
        if (target != null && target.output != null) {
            if (live) {
                throw new IllegalArgumentException("--live sends to Kafka: give --bootstrap-servers or --config, not --output");
            }
            JsonlWriter.Counts c = JsonlWriter.write(sim, target.output);
            System.err.printf("wrote %,d lines to %s%n", c.lines(), target.output);
            return 0;
        }
        if (target == null && config == null) {
            throw new IllegalArgumentException("say where to send: --output FILE.jsonl, --bootstrap-servers HOST:PORT or --config FILE "
                    + "(its bootstrap.servers)");
        }
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        if (target != null && target.bootstrap != null) {
            c = c.with(PipelineConfig.BOOTSTRAP_SERVERS, target.bootstrap);
        }
        String cluster = c.get(PipelineConfig.BOOTSTRAP_SERVERS);
        ClusterCheck.require(c, PipelineAcls.forImport(c), Set.of(c.deadLetterTopic()), Duration.ofSeconds(30));
        EventCodec codec = SchemaRegistries.codec(c);
        System.err.println("simulate: sending to " + cluster + ", schema ids from " + SchemaRegistries.describe(c));
        // before anything is sent: the cluster, the topics and the schemas (ends within seconds, saying what is missing)
        ProducerCheck.check(c, codec, Topics.inputs(c), ProducerCheck.DEFAULT_TIMEOUT);
        CountDownLatch done = new CountDownLatch(1);
        try (Producer<byte[], byte[]> producer = Importer.producer(c)) {
            SimFeed feed = new SimFeed(c, codec, producer);
            Simulator simulator = new Simulator(sim);
            if (live) {
                AtomicBoolean running = new AtomicBoolean(true);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    running.set(false);
                    try {
                        done.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "shutdown"));
                System.err.printf("simulate: live from %s at %,.0fx speed until the present, then in real time (Ctrl-C stops)%n",
                        LocalDate.ofInstant(s, ZoneOffset.UTC), speed);
                LiveFeed feeder = new LiveFeed(simulator, feed, producer, s, speed);
                feeder.run(running::get, (n, now) -> System.err.printf("simulate: %,d records sent, simulated time %s%n", n,
                        now.truncatedTo(ChronoUnit.MINUTES)));
                System.err.printf("simulate: stopped after %,d records%n", feeder.sent());
                return 0;
            }
            long n = 0;
            long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
            while (simulator.hasNext()) {
                SimEvent e = simulator.next();
                long ts = e.event() != null ? EventType.occurredAtMs(e.event()) : e.deliveredAt().toEpochMilli();
                feed.send(e, Math.min(ts, System.currentTimeMillis()));
                n++;
                if (System.nanoTime() >= nextProgress) {
                    System.err.printf("simulate: %,d records sent, simulated day %s of %s%n", n,
                            LocalDate.ofInstant(e.deliveredAt(), ZoneOffset.UTC), LocalDate.ofInstant(sim.end(), ZoneOffset.UTC));
                    nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
                }
            }
            producer.flush();
            System.err.printf("sent %,d records to %s%n", n, cluster);
        } finally {
            done.countDown();
        }
        return 0;
    }

    /** Progress lines on stderr while sending to Kafka. */
    static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
}
