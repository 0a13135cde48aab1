package org.codingkpi.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.codingkpi.util.TempDirs;
import org.codingkpi.x12.X12Import;
import org.junit.jupiter.api.Test;

/** import and replay read X12 files beside JSON lines, by content, and say per file what they did. */
class ImporterX12Test {
    private static final PipelineConfig CONFIG = PipelineConfig.of(Map.of());

    static String resource(String name) throws IOException {
        try (InputStream in = ImporterX12Test.class.getResourceAsStream("/x12/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDirectoryOfJsonLinesAndX12FilesIsImportedByContent() throws IOException {
        Path dir = Files.createTempDirectory("coding-kpi-importer-");
        try {
            Files.writeString(dir.resolve("a.txt"), "\uFEFF" + resource("ig-835-example1.x12").replace("\n", "\r\n"));
            Files.writeString(dir.resolve("b.jsonl"), "{\"type\":\"Nope\"}\n");
            Files.writeString(dir.resolve("c.x12"), resource("ig-837p-commercial.x12").replace("SE*42*0021", "SE*40*0021"));
            Files.writeString(dir.resolve("d-empty.x12"), "");
            Files.writeString(dir.resolve("e.x12.part"), resource("ig-837p-commercial.x12"));
            MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            ByteArrayOutputStream report = new ByteArrayOutputStream();

            Importer.Result r = new Importer(CONFIG, new EventCodec(new BundledSchemaRegistry()),
                    new PrintStream(report, true, StandardCharsets.UTF_8)).importFile(dir, producer);

            String text = report.toString(StandardCharsets.UTF_8);
            assertThat(r.files).isEqualTo(4);
            assertThat(r.emptyFiles).isEqualTo(1);
            assertThat(r.x12).hasSize(2);
            assertThat(r.sentByType).containsExactly(Map.entry(EventType.ClaimPaid, 2L));
            assertThat(r.deadLettered).isEqualTo(2); // the refused 837 set and the bad JSON line
            assertThat(r.badLines).containsEntry(RejectReason.X12_INVALID, 1L).containsEntry(RejectReason.UNKNOWN_SCHEMA, 1L);
            assertThat(text).contains("a.txt: X12, 1 interchange, 1 transaction sets {835=1}")
                    .contains("d-empty.x12: empty file, nothing to import")
                    .contains("c.x12: X12").contains("SE01: control count does not match actual count")
                    .doesNotContain("SMITH").doesNotContain("26463774");
            ProducerRecord<byte[], byte[]> dlq = producer.history().stream()
                    .filter(p -> p.topic().equals(CONFIG.deadLetterTopic()) && p.headers().lastHeader(X12Import.POSITION_HEADER) != null)
                    .findFirst().orElseThrow();
            assertThat(new String(dlq.headers().lastHeader(DeadLetterHandler.REASON_HEADER).value())).isEqualTo("x12_invalid");
            assertThat(new String(dlq.headers().lastHeader(X12Import.POSITION_HEADER).value())).contains("ST02 0021");
            assertThat(new String(dlq.value())).startsWith("ST*837*0021");
            assertThat(producer.history()).filteredOn(p -> p.topic().equals(CONFIG.claimsTopic()))
                    .allSatisfy(p -> assertThat(new String(p.key())).isEqualTo(p.key().length > 0 ? new String(p.key()) : "x"))
                    .extracting(p -> new String(p.key())).containsExactly("999|666123", "999|777777");
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void anUnknownX12SettingIsRefusedByName() {
        PipelineConfig bad = PipelineConfig.of(Map.of("x12.zones", "UTC"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Importer(bad, new EventCodec(new BundledSchemaRegistry()), System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x12.zones");
    }
}
