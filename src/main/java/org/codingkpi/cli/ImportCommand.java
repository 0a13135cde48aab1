package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Clusters;
import org.codingkpi.app.Importer;
import org.codingkpi.app.ProducerCheck;
import org.codingkpi.app.Topics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Imports JSON-lines and X12 835/837 files into a Kafka cluster.",
        description = {"Imports JSON-lines event files and X12 835/837 files (recognised by content) into the input topics of an",
                "existing cluster (Avro, Confluent wire format). FILE may be a directory: its files in name order.",
                "Bad lines are reported with their line number and reason and go to the dead-letter topic; an X12 transaction set",
                "that cannot be read goes there whole (x12_invalid), with its position in the per-file report.",
                "--watch DIR serves a drop folder: each file imported exactly once and moved to DIR/done or DIR/failed with",
                "NAME.report.txt beside it; write files as NAME.part and rename them, or they are read once unchanged for --settle."})
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|DIR")
    Path file;

    @Option(names = "--watch", paramLabel = "DIR", description = "Watch a drop folder (see above) until stopped.")
    Path watch;

    @Option(names = "--settle", defaultValue = "5s", paramLabel = "DURATION",
            description = "A watched file is read once its size and time are unchanged this long (default: ${DEFAULT-VALUE}).")
    String settle;

    @Option(names = "--once", description = "With --watch: import what is in the folder, then stop.")
    boolean once;

    @Option(names = "--dry-run", description = {"Read, convert, validate and encode, print the reports and the rate, send nothing",
            "(no cluster needed)."})
    boolean dryRun;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config).")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file: bootstrap.servers, schema.registry.url, topics, "
            + "security settings.")
    Path config;

    @Option(names = "--bad-lines", paramLabel = "FILE", description = {"Where every bad line is listed (line number, reason); the "
            + "first " + BadLineReport.SHOWN + " are also printed.", "Default: FILE.jsonl's name + .bad-lines.txt, in the current directory."})
    Path badLines;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        if (bootstrap != null) {
            c = c.with(PipelineConfig.BOOTSTRAP_SERVERS, bootstrap);
        }
        EventCodec codec = SchemaRegistries.codec(c);
        if (watch != null) {
            ClusterCheck.require(c, PipelineAcls.forImport(c), Set.of(c.deadLetterTopic()), Duration.ofSeconds(30));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.set(true); // the file being imported is finished first (or, if killed, its transaction is aborted)
                try {
                    finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            try {
                new org.codingkpi.app.ImportWatcher(c, codec, watch, PipelineConfig.parseDuration("--settle", settle), System.err)
                        .run(stop::get, once);
            } finally {
                finished.countDown();
            }
            return 0;
        }
        if (file == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give FILE|DIR or --watch DIR");
        }
        if (dryRun) {
            org.apache.kafka.clients.producer.MockProducer<byte[], byte[]> discard = new org.apache.kafka.clients.producer.MockProducer<>(
                    true, null, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            long t0 = System.nanoTime();
            Importer.Result r = new Importer(c, codec, System.err).importFile(file, discard);
            double s = (System.nanoTime() - t0) / 1e9;
            long claims = r.x12.stream().mapToLong(x -> x.claimsRead).sum();
            System.err.printf("dry run: %,d file(s) in %.2f s: %,d JSON lines, %,d X12 claims (%,d records, %,.0f records/s)%n",
                    r.files, s, r.linesRead, claims, r.records(), r.records() / s);
            return 0;
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read input file " + file);
        }
        // nothing is read or sent unless the cluster takes these settings and the principal may write
        ClusterCheck.require(c, PipelineAcls.forImport(c), Set.of(c.deadLetterTopic()), Duration.ofSeconds(30));
        System.err.println("import: " + file + " to " + c.get(PipelineConfig.BOOTSTRAP_SERVERS) + ", schema ids from "
                + SchemaRegistries.describe(c));
        // before the first line is sent: the cluster, the topics (dead-letter too) and the schemas
        java.util.List<String> topics = new java.util.ArrayList<>(Topics.inputs(c));
        topics.add(c.deadLetterTopic());
        ProducerCheck.check(c, codec, topics, ProducerCheck.DEFAULT_TIMEOUT);
        Path report = badLines != null ? badLines : Path.of(file.getFileName() + ".bad-lines.txt");
        BadLineReport err = BadLineReport.to(System.err, report);
        try (Producer<byte[], byte[]> producer = Importer.producer(c)) {
            Importer.Result r = new Importer(c, codec, err).importFile(file, producer);
            err.close();
            System.err.printf("imported %,d file(s), %,d JSON lines, %,d X12 file(s): %,d records sent, %,d dead-lettered, "
                    + "%,d bad lines or refused transaction sets reported%n", r.files, r.linesRead, r.x12.size(), r.sent,
                    r.deadLettered, r.badLines.values().stream().mapToLong(Long::longValue).sum());
        } finally {
            err.close();
        }
        return 0;
    }
}
