package org.codingkpi.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.codingkpi.events.RejectReason;

/** Writes simulated deliveries as JSON lines (shared/spec/EVENTS.md "JSON lines"), in delivery order. */
public final class JsonlWriter {

    /**
     * What was written.
     *
     * @param lines         all lines
     * @param originals     first deliveries of valid events
     * @param duplicates    re-deliveries of already written events (same event_id)
     * @param invalid       invalid lines
     * @param late          lines delivered after their occurred_at (originals and duplicates)
     * @param originalsByType first deliveries by event type name
     * @param invalidByReason invalid lines by the reason the pipeline must give
     */
    public record Counts(long lines, long originals, long duplicates, long invalid, long late,
            Map<String, Long> originalsByType, Map<RejectReason, Long> invalidByReason) {
    }

    private JsonlWriter() {
    }

    /** Writes every delivery to {@code file} (UTF-8, {@code \n} line ends), replacing it. */
    public static Counts write(Iterator<SimEvent> events, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            return write(events, out);
        }
    }

    /** Writes every delivery to {@code out}, one line each; does not close it. */
    public static Counts write(Iterator<SimEvent> events, Writer out) throws IOException {
        long lines = 0;
        long originals = 0;
        long duplicates = 0;
        long invalid = 0;
        long late = 0;
        Map<String, Long> byType = new TreeMap<>();
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        while (events.hasNext()) {
            SimEvent e = events.next();
            out.write(e.toJsonLine());
            out.write('\n');
            lines++;
            if (e.late()) {
                late++;
            }
            switch (e.kind()) {
                case ORIGINAL -> {
                    originals++;
                    byType.merge(e.type(), 1L, Long::sum);
                }
                case DUPLICATE -> duplicates++;
                case INVALID -> {
                    invalid++;
                    byReason.merge(e.expectedReject(), 1L, Long::sum);
                }
                default -> throw new IllegalStateException();
            }
        }
        out.flush();
        return new Counts(lines, originals, duplicates, invalid, late, Collections.unmodifiableMap(byType),
                Collections.unmodifiableMap(byReason));
    }

    /** Simulates {@code config} into {@code file}. */
    public static Counts write(SimulatorConfig config, Path file) throws IOException {
        return write(new Simulator(config), file);
    }
}
