package org.codingkpi.cli;

import org.codingkpi.app.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Replays a JSON-lines or X12 history; writes metrics and reports.",
        description = {"Replays a JSON-lines event file, an X12 835/837 file (recognised by content), or every such file under a",
                "directory (e.g. simulate --format x12 output) through the full pipeline on an embedded broker, then writes",
                "DIR/metrics.prom (the final coding_* exposition), DIR/summary.json (lines read, accepted,",
                "duplicates, rejected by reason), DIR/roi-report.html (realized vs projected ROI) and",
                "DIR/audit-findings.json (open and closed compliance findings, with their evidence).",
                "Bad lines never stop the run: the first " + BadLineReport.SHOWN + " are printed with their line number, all are listed in",
                "DIR/bad-lines.txt."})
public final class ReplayCommand implements Callable<Integer> {
    /** Every bad line of the input, with its line number and reason. */
    static final String BAD_LINES_FILE = "bad-lines.txt";

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR",
            description = "Events, one JSON object a line, or X12 835/837; a directory: its files in path order.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--roi", paramLabel = "roi.yaml", description = "ROI model (shared/spec/ROI.md); defaults apply without it.")
    Path roi;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "Kafka Streams threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any pipeline, Kafka Streams or client setting.")
    Map<String, String> settings = new TreeMap<>();

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read input file " + input);
        }
        Map<String, String> o = new TreeMap<>(settings);
        o.putIfAbsent("num.stream.threads", String.valueOf(threads));
        List<Replay.Extension> extensions = new ArrayList<>(Extensions.forReplay(roi, settings));
        Path badLines = out.resolve(BAD_LINES_FILE);
        Files.deleteIfExists(badLines);
        BadLineReport err = BadLineReport.to(System.err, badLines);
        Replay.Outcome outcome;
        try {
            outcome = new Replay(partitions, o, err).run(input, out, extensions);
        } finally {
            err.close();
        }
        List<Path> wrote = new ArrayList<>(List.of(out.resolve("metrics.prom"), out.resolve("summary.json")));
        if (Files.exists(out.resolve(Extensions.ROI_REPORT_FILE))) {
            wrote.add(out.resolve(Extensions.ROI_REPORT_FILE));
        }
        wrote.add(out.resolve(Replay.AUDIT_FINDINGS_FILE));
        if (Files.exists(badLines)) {
            wrote.add(badLines);
        }
        System.err.printf("replay: %,d records in %.1f s (%,.0f events/s); wrote %s%n", outcome.imported().records(),
                outcome.elapsed().toMillis() / 1000.0, outcome.eventsPerSecond(),
                String.join(", ", wrote.stream().map(Path::toString).toList()));
        return 0;
    }
}
