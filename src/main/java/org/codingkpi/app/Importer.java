package org.codingkpi.app;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.events.InvalidEventException;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.codingkpi.x12.X12Import;
import org.codingkpi.x12.X12Reader;
import org.codingkpi.x12.X12Settings;
import org.codingkpi.x12.X12Summary;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Imports a JSON-lines file (shared/spec/EVENTS.md) or an X12 835/837 file (shared/spec/X12.md,
 * recognised by content: "ISA" first, after an optional UTF-8 byte-order mark), or every such file of
 * a directory in name order, into Kafka. JSON lines: each valid line as Avro in the
 * Confluent wire format on its type's topic, keyed as the contract says, with the event's
 * occurred_at as record timestamp. A line that cannot become a record (not JSON, unknown type,
 * missing field, unknown enum symbol) goes to the dead-letter topic with its bytes and the reason;
 * a line that breaks a semantic rule is sent on, and the pipeline dead-letters it. Either way the bad
 * line is reported with its number and reason, and the import goes on.
 */
public final class Importer {
    /** Header with the 1-based line number of a dead-lettered line. */
    public static final String LINE_HEADER = "coding-kpi.source.line";
    /** Header with the topic a dead-lettered line was meant for, when its type is known. */
    public static final String TOPIC_HEADER = "coding-kpi.source.topic";

    /** What an import did. */
    public static final class Result {
        public long linesRead;
        public long blankLines;
        /** Records sent to input topics. */
        public long sent;
        /** Lines sent straight to the dead-letter topic. */
        public long deadLettered;
        public final Map<EventType, Long> sentByType = new EnumMap<>(EventType.class);
        /** Bad lines by reason: dead-lettered here or (semantic rules) by the pipeline. */
        public final Map<RejectReason, Long> badLines = new EnumMap<>(RejectReason.class);
        /** One summary per X12 file. */
        public final List<X12Summary> x12 = new ArrayList<>();
        /** Files read (one unless a directory was imported), and empty ones among them. */
        public long files;
        public long emptyFiles;
        /** A directory was imported: report lines name their file. */
        public boolean directory;

        /** Records that reach Kafka: each ends accepted, duplicate or dead-lettered. */
        public long records() {
            return sent + deadLettered;
        }
    }

    /** A progress line every 100,000 lines, and at least every 10 seconds. */
    private static final long PROGRESS_EVERY_NANOS = java.time.Duration.ofSeconds(10).toNanos();

    private final PipelineConfig config;
    private final EventCodec codec;
    private final PrintStream report;
    private final X12Settings x12;
    /** Claims to their encounter's partition, for the producer of the import under way (set by {@link #importFile}). */
    private EncounterPartitions partitions;

    /** @throws IllegalArgumentException naming the key, for a bad {@code x12.*} setting */
    public Importer(PipelineConfig config, EventCodec codec, PrintStream report) {
        this.config = config;
        this.codec = codec;
        this.report = report;
        this.x12 = X12Settings.from(config);
    }

    /** True for a file a directory import or a watched folder skips: hidden, or still being written (rename-in protocol). */
    public static boolean ignored(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") || name.endsWith(".part") || name.endsWith(".tmp") || name.endsWith(".report.txt");
    }

    public static Producer<byte[], byte[]> producer(PipelineConfig config) {
        return producer(config, "lz4");
    }

    /** @param compression the batches' compression: {@code none} for a broker in the same process (nothing to save, CPU to spend) */
    public static Producer<byte[], byte[]> producer(PipelineConfig config, String compression) {
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Imports a file, or each file under a directory in path order (hidden and *.part files skipped). */
    public Result importFile(Path file, Producer<byte[], byte[]> producer) throws IOException {
        partitions = new EncounterPartitions(producer);
        Result r = new Result();
        if (Files.isDirectory(file)) {
            r.directory = true;
            List<Path> files;
            try (Stream<Path> list = Files.walk(file)) { // e.g. simulate --format x12: events.jsonl, then x12/*.x12
                files = list.filter(Files::isRegularFile).filter(f -> !ignored(f)).sorted().toList();
            }
            for (Path f : files) {
                importOne(f, producer, r);
            }
        } else {
            importOne(file, producer, r);
        }
        return r;
    }

    private void importOne(Path file, Producer<byte[], byte[]> producer, Result r) throws IOException {
        r.files++;
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0 || (n < head.length && new String(head, 0, n, StandardCharsets.UTF_8).replace("\uFEFF", "").isBlank())) {
            r.emptyFiles++;
            report.printf("%s: empty file, nothing to import%n", file.getFileName());
            return;
        }
        if (X12Reader.looksLikeX12(head, n)) {
            importX12(file, producer, r);
        } else {
            importJsonLines(file, producer, r);
        }
    }

    private void importX12(Path file, Producer<byte[], byte[]> producer, Result r) throws IOException {
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long wallClock = System.currentTimeMillis();
        String name = file.getFileName().toString();
        X12Summary summary = X12Import.read(name, Files.readAllBytes(file), x12, wallClock, new X12Import.Sink() {
            @Override
            public void event(SpecificRecord event) {
                send(producer, event, wallClock, r, sendFailure);
            }

            @Override
            public void deadLetter(byte[] value, Map<String, String> headers) {
                ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(config.deadLetterTopic(), null, value);
                dlq.headers().add(DeadLetterHandler.REASON_HEADER, RejectReason.X12_INVALID.label().getBytes(StandardCharsets.UTF_8));
                dlq.headers().add(TOPIC_HEADER, config.claimsTopic().getBytes(StandardCharsets.UTF_8));
                headers.forEach((k, v) -> dlq.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                producer.send(dlq, (md, e) -> fail(sendFailure, e));
                r.deadLettered++;
                r.badLines.merge(RejectReason.X12_INVALID, 1L, Long::sum);
            }
        });
        summary.invalidEvents.forEach((reason, count) -> r.badLines.merge(RejectReason.fromLabel(reason), count, Long::sum));
        r.x12.add(summary);
        report.print(summary.render());
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IOException("sending to Kafka failed: " + sendFailure.get().getMessage(), sendFailure.get());
        }
    }

    private void importJsonLines(Path file, Producer<byte[], byte[]> producer, Result r) throws IOException {
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long wallClock = System.currentTimeMillis();
        long nextProgress = r.linesRead + 100_000;
        long nextProgressNanos = System.nanoTime() + PROGRESS_EVERY_NANOS;
        long firstLine = r.linesRead;
        CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        try (ByteLines in = new ByteLines(Files.newInputStream(file))) {
            while (in.next()) {
                r.linesRead++;
                long lineNo = r.linesRead - firstLine;
                byte[] buf = in.buffer();
                int offset = in.start();
                int length = in.length();
                if (lineNo == 1 && length >= 3 && buf[offset] == (byte) 0xEF && buf[offset + 1] == (byte) 0xBB && buf[offset + 2] == (byte) 0xBF) {
                    offset += 3; // a byte order mark
                    length -= 3;
                }
                LineKind kind = kind(strictUtf8, buf, offset, length);
                if (kind == LineKind.BLANK) {
                    r.blankLines++;
                    continue;
                }
                JsonEvents.Parsed parsed = kind == LineKind.TEXT ? JsonEvents.parse(buf, offset, length) : NOT_UTF8;
                if (!parsed.ok()) {
                    bad(r, file, lineNo, parsed.reason(), parsed.message());
                    ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(config.deadLetterTopic(), null,
                            Arrays.copyOfRange(buf, offset, offset + length));
                    dlq.headers().add(DeadLetterHandler.REASON_HEADER, parsed.reason().label().getBytes(StandardCharsets.UTF_8));
                    dlq.headers().add(LINE_HEADER, Long.toString(lineNo).getBytes(StandardCharsets.UTF_8));
                    if (parsed.type() != null) {
                        dlq.headers().add(TOPIC_HEADER, Topics.of(parsed.type(), config).getBytes(StandardCharsets.UTF_8));
                    }
                    producer.send(dlq, (md, e) -> fail(sendFailure, e));
                    r.deadLettered++;
                    continue;
                }
                SpecificRecord event = parsed.event();
                try {
                    EventValidator.validate(event, wallClock);
                } catch (InvalidEventException e) {
                    bad(r, file, lineNo, e.reason(), e.detail());
                }
                send(producer, event, wallClock, r, sendFailure);
                if (r.linesRead >= nextProgress || System.nanoTime() >= nextProgressNanos) {
                    report.printf("import: %,d lines read, %,d records sent%n", r.linesRead, r.sent);
                    nextProgress = (r.linesRead / 100_000 + 1) * 100_000;
                    nextProgressNanos = System.nanoTime() + PROGRESS_EVERY_NANOS;
                }
                if (sendFailure.get() != null) {
                    break;
                }
            }
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IOException("sending to Kafka failed: " + sendFailure.get().getMessage(), sendFailure.get());
        }
    }

    private static final JsonEvents.Parsed NOT_UTF8 = new JsonEvents.Parsed(null, null, RejectReason.UNDECODABLE, "not valid UTF-8");

    private enum LineKind { BLANK, TEXT, NOT_UTF8 }

    /**
     * Whether a line is blank (whitespace only, as {@link String#isBlank} sees it), text, or not UTF-8
     * (rejected as undecodable). An ASCII line is looked at once, byte by byte; a line with other
     * bytes is decoded once, strictly.
     */
    private static LineKind kind(CharsetDecoder utf8, byte[] b, int offset, int length) {
        boolean blank = true;
        for (int i = offset; i < offset + length; i++) {
            if (b[i] < 0) {
                try {
                    return utf8.decode(ByteBuffer.wrap(b, offset, length)).toString().isBlank() ? LineKind.BLANK : LineKind.TEXT;
                } catch (CharacterCodingException e) {
                    return LineKind.NOT_UTF8;
                }
            }
            blank &= Character.isWhitespace(b[i]);
        }
        return blank ? LineKind.BLANK : LineKind.TEXT;
    }

    /** Sends a valid event to its topic and counts it. */
    private void send(Producer<byte[], byte[]> producer, SpecificRecord event, long wallClock, Result r, AtomicReference<Exception> sendFailure) {
        EventType type = EventType.of(event);
        String topic = Topics.of(type, config);
        // the event time as record timestamp, but never in the future: brokers reject timestamps
        // ahead of their clock (log.message.timestamp.after.max.ms), and with them the whole batch
        producer.send(new ProducerRecord<>(topic, partitions.of(topic, event), Math.min(EventType.occurredAtMs(event), wallClock),
                EventType.key(event).getBytes(StandardCharsets.UTF_8), codec.encode(topic, event)), (md, e) -> fail(sendFailure, e));
        r.sent++;
        r.sentByType.merge(type, 1L, Long::sum);
    }

    private void bad(Result r, Path file, long lineNo, RejectReason reason, String message) {
        r.badLines.merge(reason, 1L, Long::sum);
        report.printf("%sline %d: %s (%s)%n", r.directory ? file.getFileName() + ": " : "", lineNo, reason.label(), message);
    }

    private static void fail(AtomicReference<Exception> failure, Exception e) {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    }
}
