package org.codingkpi.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The stderr of {@code import} and {@code replay}, with bad-line reports capped: the first
 * {@value #SHOWN} lines {@code line N: reason (detail)} go to the terminal, every one to a report
 * file, and {@link #close()} says how many were not shown and where they are. Every other line
 * passes through.
 */
final class BadLineReport extends PrintStream {
    static final int SHOWN = 20;
    private static final Pattern BAD_LINE = Pattern.compile("^line \\d+: .*");

    private final Splitter splitter;

    private BadLineReport(Splitter splitter) {
        super(splitter, true, StandardCharsets.UTF_8);
        this.splitter = splitter;
    }

    /** @param file where every bad-line report goes (created or replaced when the first one comes) */
    static BadLineReport to(PrintStream terminal, Path file) {
        return new BadLineReport(new Splitter(terminal, file));
    }

    /** Bad lines reported so far. */
    long badLines() {
        return splitter.count;
    }

    /** Flushes, closes the report file and, when lines were held back, says so (the terminal stays open). */
    @Override
    public void close() {
        flush();
        splitter.finish();
    }

    private static final class Splitter extends OutputStream {
        private final PrintStream terminal;
        private final Path file;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private Writer report;
        private long count;

        Splitter(PrintStream terminal, Path file) {
            this.terminal = terminal;
            this.file = file;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        private void emit(String text) {
            if (!BAD_LINE.matcher(text).matches()) {
                terminal.println(text);
                return;
            }
            count++;
            if (count <= SHOWN) {
                terminal.println(text);
            }
            try {
                if (report == null) {
                    Path parent = file.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    report = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                }
                report.write(text);
                report.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the bad-line report " + file, e);
            }
        }

        synchronized void finish() {
            if (line.size() > 0) {
                emit(line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
            if (report != null) {
                try {
                    report.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (count > SHOWN) {
                terminal.printf("... %,d more bad lines not shown; all %,d are in %s%n", count - SHOWN, count, file);
            } else if (count > 0) {
                terminal.printf("%,d bad lines, also listed in %s%n", count, file);
            }
            terminal.flush();
        }
    }
}
