package org.codingkpi.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.deadletter.DeadLetterHandler;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.events.RejectReason;
import org.codingkpi.events.Setting;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON-lines file is read as bytes: a byte order mark, CRLF, blank lines (Unicode whitespace too)
 * and non-ASCII values as before; a line that is not UTF-8 is a bad line with its number, sent to
 * the dead-letter topic byte for byte, and the import goes on.
 */
class ImporterJsonLinesTest {
    private static final PipelineConfig CONFIG = PipelineConfig.of(Map.of());

    private static String discharge(String id, String facility) {
        return JsonEvents.toJson(new EncounterDischarged(id, Instant.parse("2026-03-01T14:05:00Z"), facility, "enc-" + id,
                Setting.INPATIENT, "CARDIOLOGY", "MEDICARE", 2_845_000L));
    }

    @Test
    void linesAreReadAsBytesAndMalformedUtf8IsABadLine(@TempDir Path dir) throws IOException {
        byte[] notUtf8 = discharge("ev-3", "FAC-X").replace("FAC-X", "FAC-\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(("\uFEFF" + discharge("ev-1", "FAC-NORTH") + "\r\n"                  // line 1: a byte order mark, CRLF
                + "  \t\r\n"                                                                  // line 2: blank
                + "\u2003\n"                                                                  // line 3: blank (an em space)
                + discharge("ev-2", "FAC-SÜD") + "\n").getBytes(StandardCharsets.UTF_8));     // line 4: non-ASCII
        file.writeBytes(notUtf8);                                                             // line 5: Latin-1, not UTF-8
        file.writeBytes(("\n{\"type\":\"EncounterDischarged\"\n"                              // line 6: not JSON
                + discharge("ev-4", "FAC-EAST")).getBytes(StandardCharsets.UTF_8));           // line 7: no final newline
        Path input = dir.resolve("h.jsonl");
        Files.write(input, file.toByteArray());
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        Importer.Result r = new Importer(CONFIG, new EventCodec(new BundledSchemaRegistry()),
                new PrintStream(report, true, StandardCharsets.UTF_8)).importFile(input, producer);

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(r.linesRead).isEqualTo(7);
        assertThat(r.blankLines).isEqualTo(2);
        assertThat(r.sentByType).containsExactly(Map.entry(EventType.EncounterDischarged, 3L));
        assertThat(r.badLines).containsExactly(Map.entry(RejectReason.UNDECODABLE, 2L));
        assertThat(text).contains("line 5: undecodable (not valid UTF-8)").contains("line 6: undecodable (not valid JSON");
        List<ProducerRecord<byte[], byte[]>> dead = producer.history().stream()
                .filter(p -> p.topic().equals(CONFIG.deadLetterTopic())).toList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(notUtf8);
        assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterHandler.REASON_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("undecodable");
        assertThat(new String(dead.get(0).headers().lastHeader(Importer.LINE_HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("5");
        assertThat(producer.history()).filteredOn(p -> p.topic().equals(CONFIG.encountersTopic())).hasSize(3);
    }
}
