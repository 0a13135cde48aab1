package org.codingkpi.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The importer's byte lines are the lines BufferedReader.readLine reads, whatever the terminators and reads. */
class ByteLinesTest {

    private static List<String> readLine(String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<String> byteLines(String text, int chunk) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk)); // short reads: a terminator split across reads
            }
        };
        List<String> out = new ArrayList<>();
        try (ByteLines lines = new ByteLines(in)) {
            while (lines.next()) {
                out.add(new String(lines.buffer(), lines.start(), lines.length(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void terminatorsAsBufferedReader() throws IOException {
        for (String text : List.of("", "a", "a\n", "a\r\n", "a\r", "\n", "\r\n", "\n\n", "\r\r\n", "a\rb\nc\r\nd", "a\n\rb", "é\r\nü\n",
                "{\"type\":\"x\"}\r\n\r\n  \n{}")) {
            for (int chunk : new int[] {1, 2, 3, 1 << 20}) {
                assertThat(byteLines(text, chunk)).as("%s in reads of %d", text.replace("\r", "\\r").replace("\n", "\\n"), chunk)
                        .isEqualTo(readLine(text));
            }
        }
    }

    @Test
    void randomTextsAndLinesLongerThanTheBuffer() throws IOException {
        Random random = new Random(5);
        String[] pieces = {"\n", "\r", "\r\n", "x", "{\"a\":1}", "é", " ", "\t"};
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(60);
            for (int j = 0; j < n; j++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            if (i % 50 == 0) {
                b.append("y".repeat(200_000 + random.nextInt(1000))).append(i % 100 == 0 ? "\r" : "\n").append("z");
            }
            String text = b.toString();
            int chunk = 1 + random.nextInt(i % 3 == 0 ? 4 : 100_000);
            assertThat(byteLines(text, chunk)).isEqualTo(readLine(text));
        }
    }
}
