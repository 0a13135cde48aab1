package org.codingkpi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The docker-compose stack without a Docker engine: the pipeline and the feeder run with the exact
 * command lines of docker-compose.yml (services {@code coding-kpi} and {@code feeder}) and the
 * stack's properties file, docker/app.properties, in which only the service addresses are replaced
 * by local ones: {@code kafka:9092} by an embedded KRaft broker, {@code schema-registry:8080} by a
 * real Apicurio Registry of the version compose ships. The feeder registers the schemas and writes
 * through that registry; the pipeline looks the ids up there: every record is accepted, none is
 * dead-lettered, and every input feed delivers.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ComposeFeederIT {
    private static final String CONTAINER_CONFIG = "/etc/coding-kpi/app.properties";

    private EmbeddedKafka kafka;
    private ApicurioRegistry registry;
    private Path work;
    private Path config;
    private int metricsPort;
    private Process pipeline;
    private Process feeder;

    @BeforeAll
    void startBrokerAndRegistry() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(root.resolve("target")), "compose-feeder-it-");
        kafka = EmbeddedKafka.start();
        registry = ApicurioRegistry.start();
        metricsPort = freePort();

        // docker/app.properties with the compose service addresses replaced by the local ones
        String stack = Files.readString(root.resolve("docker/app.properties"));
        assertThat(stack).contains("bootstrap.servers=kafka:9092", "schema.registry.url=http://schema-registry:8080/");
        String local = stack.replace("kafka:9092", kafka.bootstrapServers())
                .replace("http://schema-registry:8080", registry.baseUrl())
                .replace("/var/lib/coding-kpi/state", work.resolve("state").toString())
                .replace("metrics.port=9464", "metrics.port=" + metricsPort)
                .replace("metrics.bind.address=0.0.0.0", "metrics.bind.address=127.0.0.1");
        config = work.resolve("app.properties");
        Files.writeString(config, local);

        // what kafka-init creates: the input, dead-letter and audit topics, 6 partitions each
        PipelineConfig c = PipelineConfig.load(config, Map.of());
        kafka.createTopics(Topics.all(c), 6);
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (Process p : new Process[] {feeder, pipeline}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theFeederOfTheStackFeedsItsPipelineThroughTheStacksRegistryWithoutADeadLetter() throws Exception {
        JsonNode services = new YAMLMapper().readTree(Path.of(System.getProperty("basedir", "."), "docker-compose.yml").toFile())
                .path("services");
        // the registry's healthcheck, exactly as compose runs it, against the real registry
        JsonNode check = services.path("schema-registry").path("healthcheck").path("test");
        assertThat(check.get(1).asText() + " " + check.get(2).asText()).isEqualTo("bash -c");
        String script = check.get(3).asText().replace("/dev/tcp/127.0.0.1/8080", "/dev/tcp/127.0.0.1/" + URI.create(registry.baseUrl()).getPort());
        Process health = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        assertThat(health.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(health.exitValue()).as("the schema-registry healthcheck against a ready registry").isZero();

        pipeline = start("pipeline", services.path("coding-kpi").path("command"));
        await("the pipeline is ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> alive(pipeline, "pipeline") && Scrape.ready(metricsPort));

        feeder = start("feeder", services.path("feeder").path("command"));

        // every input feed delivers; a record the pipeline could not decode would be dead-lettered
        await("every event type accepted").atMost(Duration.ofMinutes(7)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            alive(pipeline, "pipeline");
            alive(feeder, "feeder");
            Scrape s = Scrape.orNull(metricsPort);
            if (s == null) {
                return false;
            }
            assertThat(s.sum("coding_events_rejected_total")).as("dead-lettered records\n" + log("pipeline")).isZero();
            for (EventType t : EventType.values()) {
                if (s.samples().getOrDefault("coding_events_total{type=\"" + t.name() + "\"}", 0.0) < 1) {
                    return false;
                }
            }
            return true;
        });

        feeder.destroy();
        assertThat(feeder.waitFor(30, TimeUnit.SECONDS)).as("the feeder stops on SIGTERM").isTrue();
        // 143 = terminated by SIGTERM (the JVM's exit status after its shutdown hooks ran)
        assertThat(feeder.exitValue()).as(log("feeder")).isIn(0, 143);
        String feederLog = log("feeder");
        assertThat(feederLog).contains("schema ids from " + registry.baseUrl() + "/apis/ccompat/v7").contains("stopped after");

        // all sent records processed: accepted + duplicates + dead-lettered = what the feeder wrote
        long sent = inputRecords();
        await("the pipeline has processed all " + sent + " records").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Scrape s = Scrape.orNull(metricsPort);
                    return s != null && s.processed() == sent;
                });
        Scrape last = Scrape.of(metricsPort);
        assertThat(last.sum("coding_events_rejected_total")).isZero();
        assertThat(endOffsets(PipelineConfig.load(config, Map.of()).deadLetterTopic())).as("records in the dead-letter topic").isZero();
        System.out.printf("feeder: %,d records sent, %,.0f accepted, %,.0f duplicates, 0 dead-lettered%n", sent,
                last.sum("coding_events_total"), last.sum("coding_events_duplicate_total"));
    }

    /** The compose command line, with the container's config path replaced by the local file. */
    private Process start(String name, JsonNode command) throws IOException {
        assertThat(command.isArray()).as(name + " command in docker-compose.yml").isTrue();
        List<String> args = new ArrayList<>();
        command.forEach(a -> args.add(a.asText().equals(CONTAINER_CONFIG) ? config.toString() : a.asText()));
        assertThat(args).as(name + " reads the stack's properties file").contains(config.toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-jar", RunProcess.jar().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CODING_KPI_"));
        return pb.start();
    }

    private boolean alive(Process p, String name) {
        if (!p.isAlive()) {
            throw new AssertionError(name + " exited with " + p.exitValue() + "\n" + log(name));
        }
        return true;
    }

    private String log(String name) {
        try {
            List<String> lines = Files.readAllLines(work.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private long inputRecords() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, Map.of());
        return endOffsets(c.encountersTopic()) + endOffsets(c.aiTopic()) + endOffsets(c.claimsTopic());
    }

    /** Records in a topic written without transactions (the feeder's): the sum of its end offsets. */
    private long endOffsets(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
