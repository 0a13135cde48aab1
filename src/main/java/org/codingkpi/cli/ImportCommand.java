package org.codingkpi.cli;

import org.apache.kafka.clients.producer.Producer;
import org.codingkpi.app.Importer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
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
        // nothing is read or sent unless the cluster takes these settings and the principal may write
        KafkaAccess.check(c, PipelineAcls.forImport(c), Set.of(c.deadLetterTopic()), Duration.ofSeconds(30));
        EventCodec codec = new EventCodec(SchemaRegistries.fromConfig(c));
        try (Producer<byte[], byte[]> producer = Importer.producer(c)) {
            Importer.Result r = new Importer(c, codec, System.err).importFile(file, producer);
            System.err.printf("imported %,d lines: %,d records sent, %,d dead-lettered, %,d bad lines reported%n",
                    r.linesRead, r.sent, r.deadLettered, r.badLines.values().stream().mapToLong(Long::longValue).sum());
        }
        return 0;
    }
}
