package org.codingkpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** What a user of the command line sees: help, version, errors, capped bad-line output. */
class CommandLineTest {

    @Test
    void helpListsEveryCommandWithAOneLineSummary() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();

        String help = out.toString();
        String commands = help.substring(help.indexOf("Commands:"));
        for (String name : List.of("demo", "replay", "import", "run", "simulate", "audit", "benchmark", "config")) {
            CommandLine sub = cl.getSubcommands().get(name);
            String[] header = sub.getCommandSpec().usageMessage().header();
            assertThat(header).as(name + " header").hasSize(1);
            assertThat(header[0]).as(name + " summary").endsWith(".").hasSizeLessThanOrEqualTo(66);
            // the summary is in the list, whole, on the command's own line (80 columns)
            assertThat(commands).as(name).containsPattern("(?m)^\\s+" + name + "\\s+" + Pattern.quote(header[0]) + "$");
        }
    }

    @Test
    void theVersionIsTheOneMavenBuilt() throws Exception {
        Matcher m = Pattern.compile("<artifactId>coding-kpi</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of(System.getProperty("basedir", "."), "pom.xml")));
        assertThat(m.find()).isTrue();
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));

        assertThat(cl.execute("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("coding-kpi " + m.group(1));
        assertThat(BuildVersion.version()).isEqualTo(m.group(1));
    }

    @Test
    void badLinesBeyondTheFirstTwentyGoOnlyToTheReportFile(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        Path file = dir.resolve("out/bad-lines.txt");
        BadLineReport report = BadLineReport.to(new PrintStream(terminal, true, StandardCharsets.UTF_8), file);
        report.println("import: starting");
        for (int i = 1; i <= 25; i++) {
            report.printf("line %d: missing_field (claim_id is required)%n", i * 10);
        }
        report.println("import: 250 lines read");
        report.close();

        List<String> shown = terminal.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(shown).hasSize(1 + 20 + 1 + 1);
        assertThat(shown.get(0)).isEqualTo("import: starting");
        assertThat(shown.get(20)).isEqualTo("line 200: missing_field (claim_id is required)");
        assertThat(shown.get(21)).isEqualTo("import: 250 lines read");
        assertThat(shown.get(22)).isEqualTo("... 5 more bad lines not shown; all 25 are in " + file);
        assertThat(Files.readAllLines(file)).hasSize(25).endsWith("line 250: missing_field (claim_id is required)");
        assertThat(report.badLines()).isEqualTo(25);
    }

    @Test
    void fewBadLinesAreAllShown(@TempDir Path dir) {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        BadLineReport report = BadLineReport.to(new PrintStream(terminal, true, StandardCharsets.UTF_8), dir.resolve("bad.txt"));
        report.println("line 3: undecodable (not JSON)");
        report.close();

        assertThat(terminal.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("line 3: undecodable (not JSON)", "1 bad lines, also listed in " + dir.resolve("bad.txt"));
    }

    /** run, import and simulate name the address they cannot reach, within seconds, not a minute. */
    @Test
    @Timeout(90)
    void commandsNameTheBrokerAddressTheyCannotReach(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String address = "127.0.0.1:" + closed;
        Path config = Files.writeString(dir.resolve("app.properties"), "bootstrap.servers=" + address + "\n");
        Path events = Files.writeString(dir.resolve("events.jsonl"), "{}\n");

        for (String[] args : List.of(
                new String[] {"run", "--config", config.toString()},
                new String[] {"simulate", "--config", config.toString(), "--days", "1"},
                new String[] {"import", events.toString(), "--config", config.toString()})) {
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err));
            long start = System.nanoTime();

            int code = cl.execute(args);

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(code).as(args[0]).isEqualTo(2);
            assertThat(err.toString()).as(args[0]).contains("cannot reach the Kafka cluster at " + address, "within 10 s");
            assertThat(took).as(args[0]).isLessThan(Duration.ofSeconds(25));
        }
    }
}
