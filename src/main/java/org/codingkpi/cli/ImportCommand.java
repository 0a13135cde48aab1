package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Clusters;
import org.codingkpi.app.Importer;
import org.codingkpi.app.ProducerCheck;
import org.codingkpi.app.Topics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Imports a JSON-lines event file into an existing Kafka cluster.",
        description = {"Imports a JSON-lines event file into the input topics of an existing cluster (Avro, Confluent wire format).",
                "Bad lines are reported with their line number and reason and go to the dead-letter topic."})
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.jsonl")
    Path file;

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
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read input file " + file);
        }
        Clusters.requireReachable(c, Clusters.REACHABLE_WITHIN);
        EventCodec codec = SchemaRegistries.codec(c);
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
            System.err.printf("imported %,d lines: %,d records sent, %,d dead-lettered, %,d bad lines reported%n",
                    r.linesRead, r.sent, r.deadLettered, r.badLines.values().stream().mapToLong(Long::longValue).sum());
        } finally {
            err.close();
        }
        return 0;
    }
}
