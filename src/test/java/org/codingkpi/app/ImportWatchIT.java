package org.codingkpi.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.codingkpi.util.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code import --watch} on a real broker: each file once, moved to done/ or failed/ with its
 * report; a transaction left open by a process that died mid-file is aborted and the file imported
 * again from the start; a file whose transaction committed before the process died is only moved on.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImportWatchIT {
    private static EmbeddedKafka kafka;
    private static PipelineConfig config;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        config = PipelineConfig.of(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
        kafka.createTopics(Topics.all(config), 2);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ImportWatchIT.class.getResourceAsStream("/x12/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void eachFileOnceAcrossACrashMidFileAndACrashAfterCommit() throws Exception {
        Path dir = Files.createTempDirectory("coding-kpi-watch-");
        try {
            String ig835 = resource("ig-835-example1.x12");
            String ig837 = resource("ig-837p-commercial.x12");
            Files.writeString(dir.resolve("a-remittance.x12"), ig835);
            Files.writeString(dir.resolve("d-unbalanced.x12"), ig835.replace("BPR*C*150000", "BPR*C*150001"));
            Files.writeString(dir.resolve("g-still-writing.x12.part"), ig837);
            Files.createDirectories(dir.resolve("processing"));
            // a process died mid-file: its transaction is open, with part of e's records in it
            Path e = dir.resolve("processing").resolve("e-claims.x12");
            Files.writeString(e, ig837);
            Map<String, Object> p = new HashMap<>(config.clientProperties());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ImportWatcher.transactionalId(config, dir));
            try (KafkaProducer<byte[], byte[]> dead = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                dead.initTransactions();
                dead.beginTransaction();
                dead.send(new ProducerRecord<>(config.claimsTopic(), "half".getBytes(), "a record of a file half imported".getBytes()));
                dead.flush();
                dead.close(Duration.ZERO); // no commit, no abort: as if killed
            }
            // another died after its commit, before moving the file: only the ledger says it is done
            Path f = dir.resolve("processing").resolve("f-claims-committed.x12");
            String fText = ig837.replace("0021", "0777");
            Files.writeString(f, fText);
            Map<String, Object> q = new HashMap<>(config.clientProperties());
            q.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "another-importer");
            kafka.createTopics(List.of(config.importsTopic()), 1);
            try (KafkaProducer<byte[], byte[]> before = new KafkaProducer<>(q, new ByteArraySerializer(), new ByteArraySerializer())) {
                before.initTransactions();
                before.beginTransaction();
                before.send(new ProducerRecord<>(config.importsTopic(),
                        ("f-claims-committed.x12|" + ImportWatcher.sha256(fText.getBytes(StandardCharsets.UTF_8))).getBytes(),
                        "verdict: done\nfile: f-claims-committed.x12\n(committed before the restart)\n".getBytes()));
                before.commitTransaction();
            }

            String report = watchOnce(dir);

            assertThat(list(dir.resolve("done"))).containsExactly("a-remittance.x12", "a-remittance.x12.report.txt",
                    "e-claims.x12", "e-claims.x12.report.txt", "f-claims-committed.x12", "f-claims-committed.x12.report.txt");
            assertThat(list(dir.resolve("failed"))).containsExactly("d-unbalanced.x12", "d-unbalanced.x12.report.txt");
            assertThat(list(dir.resolve("processing"))).isEmpty();
            assertThat(list(dir)).contains("g-still-writing.x12.part");
            assertThat(Files.readString(dir.resolve("failed").resolve("d-unbalanced.x12.report.txt"))).contains("does not balance");
            assertThat(Files.readString(dir.resolve("done").resolve("f-claims-committed.x12.report.txt"))).contains("committed before");
            assertThat(report).doesNotContain("JONES").doesNotContain("666123");

            List<ConsumerRecord<byte[], byte[]>> claims = readCommitted(config.claimsTopic());
            // a: 2 ClaimPaid; e: 1 ClaimSubmitted; f: nothing again; the half-imported record was aborted
            assertThat(claims).hasSize(3);
            assertThat(claims).noneMatch(r -> new String(r.key()).equals("half"));
            List<ConsumerRecord<byte[], byte[]>> dlq = readCommitted(config.deadLetterTopic());
            assertThat(dlq).hasSize(1);
            Header reason = dlq.get(0).headers().lastHeader(DeadLetterHandler.REASON_HEADER);
            assertThat(new String(reason.value())).isEqualTo("x12_invalid");

            // the same file dropped again is the same file: moved on, not imported twice
            Files.writeString(dir.resolve("a-remittance.x12"), ig835);
            watchOnce(dir);
            assertThat(readCommitted(config.claimsTopic())).hasSize(3);
            assertThat(list(dir)).doesNotContain("a-remittance.x12");
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static String watchOnce(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ImportWatcher(config, new EventCodec(new BundledSchemaRegistry()), dir, Duration.ofMillis(200),
                new PrintStream(out, true, StandardCharsets.UTF_8)).run(() -> false, true);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.filter(Files::isRegularFile).map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Map<String, Object> c = new HashMap<>(config.clientProperties());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
