package org.codingkpi.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The parsing behind the benchmark's memory and visibility figures. */
class MeasuringTest {

    @Test
    void procStatusValuesAreReadInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  1638400 kB\nVmRSS:\t  812345 kB\nThreads:\t80\n";
        assertThat(Machine.statusKb(status, "VmHWM")).isEqualTo(1_638_400);
        assertThat(Machine.statusKb(status, "VmRSS")).isEqualTo(812_345);
        assertThat(Machine.statusKb(status, "Threads")).isEqualTo(80);
        assertThat(Machine.statusKb(status, "VmSwap")).isEqualTo(-1);
    }

    @Test
    void cpuBetweenTwoReadingsCountsANewThreadFromZero() {
        assertThat(Machine.cpuBetween(Map.of(1L, 100L, 2L, 50L), Map.of(1L, 160L, 2L, 50L, 3L, 30L))).isEqualTo(90);
    }

    @Test
    void theProbeCountSumsTheProbeFacilitysSeriesOnly() {
        String exposition = """
                # HELP coding_encounters_discharged_total Encounters discharged
                # TYPE coding_encounters_discharged_total counter
                coding_encounters_discharged_total{facility="FAC-1",setting="inpatient"} 1200.0
                coding_encounters_discharged_total{facility="BENCH-PROBE",setting="outpatient"} 3.0
                coding_encounters_discharged_total{facility="BENCH-PROBE",setting="inpatient"} 1.0
                coding_encounters_coded_total{facility="BENCH-PROBE"} 9.0
                """;
        assertThat(Visibility.probeCount(exposition)).isEqualTo(4.0);
    }
}
