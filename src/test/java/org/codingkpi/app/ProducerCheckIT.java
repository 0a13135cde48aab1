package org.codingkpi.app;

import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producers fail fast: {@code simulate --bootstrap-servers} and {@code import} against a real broker
 * that, like most production clusters, does not create topics on first use (the embedded broker runs
 * with {@code auto.create.topics.enable=false}). Each wrong target ends within seconds, exit code 2,
 * with a message that names what is missing and how to create it. Each test uses its own topic names.
 */
@Tag("integration")
@Timeout(180)
class ProducerCheckIT {
    /** Far below the minute a producer blocks on metadata of a missing topic (max.block.ms), which is what hung before. */
    private static final Duration FAST = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private record Run(int exitCode, String err, Duration took) {
    }

    private static Run cli(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int code = cl.execute(args);
        return new Run(code, err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** A properties file with topic names of this test's own, plus extra lines. */
    private Path config(String prefix, String... lines) throws IOException {
        StringBuilder s = new StringBuilder()
                .append("topic.encounters=").append(prefix).append("-encounters\n")
                .append("topic.ai.suggestions=").append(prefix).append("-ai-suggestions\n")
                .append("topic.claims=").append(prefix).append("-claims\n")
                .append("topic.dead.letter=").append(prefix).append("-dead-letter\n");
        for (String l : lines) {
            s.append(l).append('\n');
        }
        Path file = dir.resolve(prefix + ".properties");
        Files.writeString(file, s);
        return file;
    }

    private static List<String> inputs(String prefix) {
        return List.of(prefix + "-encounters", prefix + "-ai-suggestions", prefix + "-claims");
    }

    private static String[] simulate(Path config, String bootstrap) {
        return new String[] {"simulate", "--bootstrap-servers", bootstrap, "--config", config.toString(), "--days", "2",
                "--encounters-per-day", "5"};
    }

    @Test
    void simulateAgainstAClusterWithoutTheInputTopicsEndsWithinSecondsNamingThemAndHowToCreateThem() throws IOException {
        Run run = cli(simulate(config("none"), kafka.bootstrapServers()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.took()).isLessThan(FAST);
        // the access check (security, ACLs) runs first and names the first missing topic and what to do
        assertThat(run.err()).contains("Kafka at " + kafka.bootstrapServers()).contains("topic none-encounters does not exist")
                .contains("create it first");
    }

    @Test
    void importChecksTheDeadLetterTopicTooAndSuggestsThePartitionCountOfTheInputs() throws IOException {
        kafka.createTopics(inputs("nodlq"), 2);
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "{\"type\":\"nonsense\"}\n");

        Run run = cli("import", file.toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--config", config("nodlq").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.took()).isLessThan(FAST);
        assertThat(run.err())
                .contains("has no topic nodlq-dead-letter")
                .contains("--create --topic nodlq-dead-letter --partitions 2");
    }

    @Test
    void inputTopicsWithDifferentPartitionCountsAreReportedWithTheCommandThatAlignsThem() throws IOException {
        kafka.createTopics(List.of("skew-encounters", "skew-ai-suggestions"), 3);
        kafka.createTopics(List.of("skew-claims"), 1);

        Run run = cli(simulate(config("skew"), kafka.bootstrapServers()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.took()).isLessThan(FAST);
        assertThat(run.err())
                .contains("have different partition counts (skew-encounters 3, skew-ai-suggestions 3, skew-claims 1)")
                .contains("co-partitioned")
                .contains("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers() + " --alter --topic skew-claims --partitions 3");
    }

    @Test
    void anUnreachableBrokerEndsWithinSeconds() throws IOException {
        String nobody = "127.0.0.1:" + closedPort();

        Run run = cli(simulate(config("unreachable"), nobody));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.took()).isLessThan(FAST);
        assertThat(run.err()).contains("cannot reach the Kafka cluster at " + nobody).contains("within 10 s");
    }

    @Test
    void anUnreachableRegistryEndsWithinSecondsBeforeAnythingIsSent() throws IOException {
        kafka.createTopics(inputs("noregistry"), 1);
        int port = closedPort();

        Run run = cli(simulate(config("noregistry", "schema.registry.url=http://127.0.0.1:" + port, "schema.registry.retries=1"),
                kafka.bootstrapServers()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.took()).isLessThan(FAST);
        assertThat(run.err()).contains("cannot reach the schema registry at http://127.0.0.1:" + port).contains("schema.registry.url");
    }

    @Test
    void withTheTopicsInPlaceSimulateSendsAndEndsCleanly() throws IOException {
        kafka.createTopics(inputs("ready"), 2);
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            org.awaitility.Awaitility.await("the partitions have leaders").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.describeTopics(inputs("ready")).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
        }

        Run run = cli(simulate(config("ready"), kafka.bootstrapServers()));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
