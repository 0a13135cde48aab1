package org.codingkpi.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code import --watch DIR}: a clearinghouse drop folder. Each file is imported exactly once and
 * moved to {@code DIR/done/} (every record became an event) or {@code DIR/failed/} (something was
 * refused, or nothing could be imported), with {@code NAME.report.txt} beside it.
 *
 * <p>A file is picked up when it is complete: files named {@code *.part}, {@code *.tmp} or starting
 * with a dot are never read (write under such a name, then rename: the rename-in protocol), and any
 * other file only once its size and modification time have not changed for the settle time.
 *
 * <p>Exactly once, across a restart mid-file: the file is first moved to {@code DIR/processing/};
 * its records and one ledger record (topic {@code topic.imports}, keyed by the file's name and
 * SHA-256, holding its report) go out in one Kafka transaction with a transactional id fixed per
 * folder. A restart fences and aborts a transaction the previous process left open, then looks at
 * what is in {@code processing/}: a file whose ledger record is committed is only moved on (its
 * report rewritten from the ledger), any other is imported again from the start.
 */
public final class ImportWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ImportWatcher.class);

    private final PipelineConfig config;
    private final EventCodec codec;
    private final Path dir;
    private final Duration settle;
    private final PrintStream out;
    private final Path processing;
    private final Path done;
    private final Path failed;
    private final Map<Path, Seen> seen = new HashMap<>();

    private record Seen(long size, FileTime modified, long since) {
    }

    public ImportWatcher(PipelineConfig config, EventCodec codec, Path dir, Duration settle, PrintStream out) {
        this.config = config;
        this.codec = codec;
        this.dir = dir;
        this.settle = settle;
        this.out = out;
        this.processing = dir.resolve("processing");
        this.done = dir.resolve("done");
        this.failed = dir.resolve("failed");
    }

    /** The transactional id of a folder: the same after a restart, so the new process fences the old one. */
    static String transactionalId(PipelineConfig config, Path dir) {
        String explicit = config.get(PipelineConfig.IMPORT_TRANSACTIONAL_ID);
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        return "coding-kpi-import-" + sha256(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /**
     * Watches until {@code stop} says so; with {@code once}, returns when the folder holds nothing
     * more to import (files still settling are waited for).
     */
    public void run(BooleanSupplier stop, boolean once) throws IOException, InterruptedException {
        Files.createDirectories(processing);
        Files.createDirectories(done);
        Files.createDirectories(failed);
        ensureLedgerTopic();
        Map<String, String> ledger = readLedger();
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config, dir));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions(); // fences a previous process on this folder and aborts what it left open
            // a restart: what was being imported is finished first
            for (Path f : list(processing)) {
                if (!f.getFileName().toString().endsWith(".report.txt")) {
                    process(f, producer, ledger);
                }
            }
            while (!stop.getAsBoolean()) {
                List<Path> ready = readyFiles();
                for (Path f : ready) {
                    Path claimed = processing.resolve(f.getFileName());
                    move(f, claimed);
                    process(claimed, producer, ledger);
                }
                if (once && ready.isEmpty() && seen.isEmpty()) {
                    return;
                }
                Thread.sleep(Math.min(1_000, Math.max(50, settle.toMillis() / 4)));
            }
        }
    }

    /** Files that are complete: not hidden or *.part, size and time unchanged for the settle time. */
    private List<Path> readyFiles() throws IOException {
        long now = System.currentTimeMillis();
        Set<Path> present = new HashSet<>();
        List<Path> ready = new java.util.ArrayList<>();
        for (Path f : list(dir)) {
            if (Importer.ignored(f)) {
                continue;
            }
            present.add(f);
            long size = Files.size(f);
            FileTime modified = Files.getLastModifiedTime(f);
            Seen s = seen.get(f);
            if (s == null || s.size != size || !s.modified.equals(modified)) {
                seen.put(f, new Seen(size, modified, now));
            } else if (now - s.since >= settle.toMillis()) {
                ready.add(f);
                seen.remove(f);
            }
        }
        seen.keySet().retainAll(present);
        return ready;
    }

    private void process(Path file, Producer<byte[], byte[]> producer, Map<String, String> ledger) throws IOException {
        String name = file.getFileName().toString();
        String key = name + "|" + sha256(Files.readAllBytes(file));
        Path report = processing.resolve(name + ".report.txt");
        String committed = ledger.get(key);
        if (committed != null) {
            // the records went out before a restart; only the move was left
            finish(file, report, committed);
            return;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        String verdict;
        producer.beginTransaction();
        try (PrintStream log = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            Importer.Result r = new Importer(config, codec, log).importFile(file, producer);
            long refused = r.deadLettered + r.badLines.values().stream().mapToLong(Long::longValue).sum();
            verdict = r.sent > 0 && refused == 0 ? "done" : "failed";
            log.printf("%s: %,d records sent, %,d dead-lettered, %,d bad lines or sets -> %s/%n", name, r.sent, r.deadLettered,
                    refused, verdict);
        } catch (IOException | RuntimeException e) {
            producer.abortTransaction();
            String why = verdictLine(name, "failed") + "import failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + "\n";
            Files.writeString(report, why);
            move(report, failed.resolve(report.getFileName()));
            move(file, failed.resolve(file.getFileName()));
            out.print(why);
            return;
        }
        String body = verdictLine(name, verdict) + text.toString(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(config.importsTopic(), key.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(report, body);
        producer.commitTransaction();
        ledger.put(key, body);
        finish(file, report, body);
    }

    private static String verdictLine(String name, String verdict) {
        return "verdict: " + verdict + "\nfile: " + name + "\n";
    }

    private void finish(Path file, Path report, String body) throws IOException {
        Path to = body.startsWith("verdict: done") ? done : failed;
        Files.writeString(report, body);
        move(report, to.resolve(report.getFileName()));
        move(file, to.resolve(file.getFileName()));
        out.print(body);
        LOG.info("imported a watched file: {}", to.getFileName());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private void ensureLedgerTopic() {
        try (Admin admin = Admin.create(config.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(config.importsTopic(), 1, (short) -1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the import ledger topic " + config.importsTopic(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Every committed ledger record: file key -> report. */
    private Map<String, String> readLedger() {
        Map<String, Object> c = new HashMap<>(config.clientProperties());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, String> ledger = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(config.importsTopic(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 120_000;
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (rec.key() != null && rec.value() != null) {
                        ledger.put(new String(rec.key(), StandardCharsets.UTF_8), new String(rec.value(), StandardCharsets.UTF_8));
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("cannot read the import ledger topic " + config.importsTopic());
                }
            }
        }
        return ledger;
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
