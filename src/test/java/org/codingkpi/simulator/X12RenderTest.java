package org.codingkpi.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.codingkpi.events.EventType;
import org.codingkpi.events.JsonEvents;
import org.codingkpi.util.TempDirs;
import org.codingkpi.x12.X12Import;
import org.codingkpi.x12.X12Settings;
import org.codingkpi.x12.X12Summary;
import org.junit.jupiter.api.Test;

/** One simulated history rendered as X12 and as JSON lines gives the same claim events (event ids aside). */
class X12RenderTest {

    @Test
    void x12RenderingAndJsonRenderingGiveTheSameClaimEvents() throws IOException {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).days(75).encountersPerDay(60).version2(true).build();
        List<SpecificRecord> json = new ArrayList<>();
        Map<String, Long> types = new TreeMap<>();
        for (SimEvent e : (Iterable<SimEvent>) Simulator.stream(config)::iterator) {
            if (e.topic().equals("claims")) {
                json.add(e.event());
                types.merge(e.type(), 1L, Long::sum);
            }
        }
        assertThat(types).containsKeys("ClaimSubmitted", "ClaimPaid", "ClaimDenied", "ClaimReversed");
        Path dir = Files.createTempDirectory("coding-kpi-x12-render-");
        try {
            List<Path> files = X12Renderer.render(json, dir, 7, 0);
            List<SpecificRecord> fromX12 = new ArrayList<>();
            long sets = 0;
            long claims = 0;
            for (Path f : files) {
                X12Summary s = X12Import.read(f.getFileName().toString(), Files.readAllBytes(f), X12Settings.defaults(),
                        Instant.parse("2027-01-01T00:00:00Z").toEpochMilli(), new X12Import.Sink() {
                            @Override
                            public void event(SpecificRecord event) {
                                fromX12.add(event);
                            }

                            @Override
                            public void deadLetter(byte[] value, Map<String, String> headers) {
                                throw new AssertionError("refused: " + headers);
                            }
                        });
                assertThat(s.conserved()).isTrue();
                assertThat(s.invalidEvents).isEmpty();
                sets += s.transactionSets;
                claims += s.claimsRead;
            }
            assertThat(claims / (double) sets).as("several claims per transaction set").isGreaterThan(2);
            String all = String.join("", files.stream().map(X12RenderTest::read).toList());
            assertThat(all).contains("PLB*").contains("SVC*").contains("CLP*").contains("CLM*").contains("13:A:8").contains("13:A:7");

            assertThat(canonical(fromX12)).isEqualTo(canonical(json));
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void defaultSimulationStaysVersion1() {
        SimulatorConfig config = SimulatorConfig.builder().days(40).encountersPerDay(40).build();
        for (SimEvent e : (Iterable<SimEvent>) Simulator.stream(config)::iterator) {
            assertThat(EventType.valueOf(e.type()).sinceVersion2()).isFalse();
            if (e.event() != null) {
                if (e.event() instanceof org.codingkpi.events.EncounterCoded) {
                    assertThat(e.toJsonLine()).doesNotContain("\"model_version\"");
                }
                if (e.event() instanceof org.codingkpi.events.ClaimPaid) {
                    assertThat(e.toJsonLine()).doesNotContain("\"adjustments\"").doesNotContain("\"remark_codes\"");
                }
            }
        }
    }

    /** The events as JSON lines with the event id blanked, sorted. */
    private static List<String> canonical(List<SpecificRecord> events) {
        List<String> out = new ArrayList<>();
        for (SpecificRecord e : events) {
            SpecificRecordBase copy = (SpecificRecordBase) org.apache.avro.specific.SpecificData.get().deepCopy(e.getSchema(), e);
            copy.put(0, "-");
            out.add(JsonEvents.toJson(copy));
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
