package org.codingkpi.cli;

import org.codingkpi.app.Replay;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.KpiTotals;
import org.codingkpi.simulator.SimulatorConfig;

import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Function;
import java.util.List;

/** The metric families and reports beyond KPIS.md §3 that the commands add (ROI, drift). */
final class Extensions {
    private Extensions() {
    }

    static List<Replay.Extension> forReplay(Path roiFile) {
        return List.of();
    }

    static List<Function<KpiTotals, Collection<MetricSnapshot>>> forRun(PipelineConfig config) {
        return List.of();
    }

    static List<Function<KpiTotals, Collection<MetricSnapshot>>> forDemo(SimulatorConfig simulation) {
        return List.of();
    }
}
