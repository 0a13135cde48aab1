package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Importer;
import org.codingkpi.app.ProducerCheck;
import org.codingkpi.app.Topics;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports a JSON-lines event file into the input topics of an existing cluster (Avro, Confluent wire format).",
                "Bad lines are reported with their line number and reason and go to the dead-letter topic."})
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.jsonl")
    Path file;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config).")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file: topics, security settings.")
    Path config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        if (bootstrap != null) {
            c = c.with(PipelineConfig.BOOTSTRAP_SERVERS, bootstrap);
        }
        EventCodec codec = SchemaRegistries.codec(c);
        // before the first line is sent: the cluster, the topics (dead-letter too) and the schemas
        java.util.List<String> topics = new java.util.ArrayList<>(Topics.inputs(c));
        topics.add(c.deadLetterTopic());
        ProducerCheck.check(c, codec, topics, ProducerCheck.DEFAULT_TIMEOUT);
        try (Producer<byte[], byte[]> producer = Importer.producer(c)) {
            Importer.Result r = new Importer(c, codec, System.err).importFile(file, producer);
            System.err.printf("imported %,d lines: %,d records sent, %,d dead-lettered, %,d bad lines reported%n",
                    r.linesRead, r.sent, r.deadLettered, r.badLines.values().stream().mapToLong(Long::longValue).sum());
        }
        return 0;
    }
}
