package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.codingkpi.cli.DemoCommand;
import org.codingkpi.metrics.MetricsServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;

/**
 * docker-compose.yml read without a Docker engine: every service points where it must, the pipeline
 * and the feeder share one configuration, the healthchecks work, the versions are the tested ones.
 * That the feeder's command line really feeds the pipeline is {@code ComposeFeederIT}'s job.
 */
class ComposeStackTest {
    private static final String APP_CONFIG_MOUNT = "./docker/app.properties:/etc/coding-kpi/app.properties:ro";
    private static final String APP_CONFIG = "/etc/coding-kpi/app.properties";

    private static JsonNode compose;
    private static JsonNode services;
    private static Properties app;
    private static Properties host;

    @BeforeAll
    static void load() throws Exception {
        compose = Tools.readYaml(Tools.repoRoot().resolve("docker-compose.yml"));
        services = compose.path("services");
        app = properties("docker/app.properties");
        host = properties("docker/host.properties");
    }

    @Test
    void composeSpecificationWithoutTheObsoleteVersionKey() {
        assertThat(compose.has("version")).as("top-level version: (obsolete in Compose v2)").isFalse();
    }

    @Test
    void thePipelineAndTheFeederReadOneAndTheSamePropertiesFile() {
        for (String service : List.of("coding-kpi", "feeder")) {
            JsonNode s = services.path(service);
            assertThat(s.path("volumes").toString()).as(service + " volumes").contains(APP_CONFIG_MOUNT);
            assertThat(strings(s.path("command"))).as(service + " command").containsSubsequence("--config", APP_CONFIG);
            // nothing overrides the file for one of them only (CODING_KPI_* / KAFKA_* environment)
            s.path("environment").properties().forEach(e ->
                    assertThat(e.getKey()).as(service + " environment").doesNotStartWith("CODING_KPI_").doesNotStartWith("KAFKA_"));
            assertThat(s.path("env_file").isMissingNode()).as(service + " env_file").isTrue();
        }
        List<String> feeder = strings(services.path("feeder").path("command"));
        assertThat(feeder.get(0)).isEqualTo("simulate");
        assertThat(feeder).contains("--live").doesNotContain("--bootstrap-servers", "--output", "--messy");
        assertThat(services.path("feeder").path("image").asText()).isEqualTo(services.path("coding-kpi").path("image").asText());
        assertThat(strings(services.path("coding-kpi").path("command")).get(0)).isEqualTo("run");
    }

    @Test
    void thePipelinesConfigurationPointsAtTheStacksBrokerAndRegistry() {
        Map<String, String> kafkaEnv = environment("kafka");
        Map<String, String> advertised = listeners(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS"));
        assertThat(app.getProperty("bootstrap.servers")).isEqualTo(advertised.get("PLAINTEXT"))
                .isEqualTo("kafka:9092");

        URI registry = URI.create(app.getProperty("schema.registry.url"));
        assertThat(services.has(registry.getHost())).as("a service named " + registry.getHost()).isTrue();
        assertThat(registry.getPort()).as("Apicurio's container port").isEqualTo(8080);
        assertThat(registry.getPath()).as("the Confluent-compatible API").isEqualTo("/apis/ccompat/v7");
        assertThat(publishedPorts(registry.getHost())).containsValue(8080);

        assertThat(strings(services.path("kafka-init").path("command")).toString()).contains("--bootstrap-server kafka:9092");
        assertThat(app.getProperty("metrics.bind.address")).isEqualTo("0.0.0.0");
        assertThat(app.getProperty("state.dir")).startsWith("/var/lib/coding-kpi/");
        assertThat(services.path("coding-kpi").path("volumes").toString()).contains("coding-kpi-state:/var/lib/coding-kpi");
    }

    @Test
    void hostProducersReachTheSameBrokerAndRegistryThroughThePublishedPorts() {
        Map<String, String> advertised = listeners(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"));
        assertThat(host.getProperty("bootstrap.servers")).isEqualTo(advertised.get("HOST")).isEqualTo("localhost:29092");
        assertThat(publishedPorts("kafka")).containsEntry(29092, 29092);

        URI stack = URI.create(app.getProperty("schema.registry.url"));
        URI fromHost = URI.create(host.getProperty("schema.registry.url"));
        assertThat(fromHost.getHost()).isEqualTo("localhost");
        assertThat(publishedPorts(stack.getHost())).containsEntry(fromHost.getPort(), stack.getPort());
        assertThat(fromHost.getPath()).isEqualTo(stack.getPath());
    }

    @Test
    void prometheusAlertmanagerAndGrafanaPointAtTheirServices() throws Exception {
        JsonNode prometheus = Tools.readYaml(Tools.repoRoot().resolve("prometheus/prometheus.yml"));
        Map<String, String> targets = new HashMap<>();
        prometheus.path("scrape_configs").forEach(job -> targets.put(job.path("job_name").asText(),
                job.path("static_configs").get(0).path("targets").get(0).asText()));
        assertThat(targets).containsEntry("coding-kpi", "coding-kpi:" + app.getProperty("metrics.port"));
        assertThat(prometheus.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("alertmanager:9093");
        assertThat(publishedPorts("alertmanager")).containsValue(9093);
        assertThat(publishedPorts("prometheus")).containsValue(9090);

        JsonNode datasource = Tools.readYaml(Tools.repoRoot().resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
    }

    /** `demo` (and its default metrics port) and the stack run side by side. */
    @Test
    void noPublishedPortClashesWithDemo() {
        int demoMetricsPort = Integer.parseInt(new CommandLine(new DemoCommand()).getCommandSpec()
                .findOption("--metrics-port").defaultValue());
        List<Integer> hostPorts = new ArrayList<>();
        services.properties().forEach(s -> hostPorts.addAll(publishedPorts(s.getKey()).keySet()));

        assertThat(hostPorts).doesNotContain(demoMetricsPort).doesNotHaveDuplicates();
        services.properties().forEach(s -> s.getValue().path("ports").forEach(p ->
                assertThat(p.asText()).as(s.getKey() + " port").startsWith("127.0.0.1:")));
    }

    @Test
    void thePipelinesHealthcheckAsksReadinessOnItsMetricsPort() {
        JsonNode check = services.path("coding-kpi").path("healthcheck");
        String command = strings(check.path("test")).toString();
        assertThat(command).contains("/health/ready", "/dev/tcp/127.0.0.1/" + app.getProperty("metrics.port"));
        assertThat(services.path("feeder").path("depends_on").path("coding-kpi").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(services.path("coding-kpi").path("depends_on").path("schema-registry").path("condition").asText())
                .isEqualTo("service_healthy");
    }

    /** The exact healthcheck command, run against the pipeline's HTTP server: ready, then not. */
    @Test
    void theHealthcheckCommandPassesOnlyWhileThePipelineIsReady() throws Exception {
        List<String> test = strings(services.path("coding-kpi").path("healthcheck").path("test"));
        assertThat(test.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        AtomicBoolean ready = new AtomicBoolean(true);
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ready::get)) {
            String script = test.get(3).replace("/dev/tcp/127.0.0.1/" + app.getProperty("metrics.port"),
                    "/dev/tcp/127.0.0.1/" + server.port());
            Tools.Result up = Tools.run(List.of("bash", "-c", script), Map.of(), null, Duration.ofSeconds(30));
            ready.set(false);
            Tools.Result down = Tools.run(List.of("bash", "-c", script), Map.of(), null, Duration.ofSeconds(30));

            assertThat(up.exitCode()).as("ready: " + up.output()).isZero();
            assertThat(down.exitCode()).as("not ready").isNotZero();
        }
    }

    @Test
    void kafkaKeepsItsLogDirectoryInAVolume() {
        String logDirs = environment("kafka").get("KAFKA_LOG_DIRS");
        assertThat(logDirs).isNotBlank();
        assertThat(services.path("kafka").path("volumes").toString()).contains("kafka-data:" + logDirs);
        assertThat(compose.path("volumes").has("kafka-data")).isTrue();
    }

    /** The registry compose ships is the one the integration tests run against (pom.xml apicurio.version). */
    @Test
    void theRegistryImageIsTheVersionTheTestsUse() throws Exception {
        Matcher m = Pattern.compile("<apicurio\\.version>([^<]+)</apicurio\\.version>")
                .matcher(Files.readString(Tools.repoRoot().resolve("pom.xml")));
        assertThat(m.find()).isTrue();

        assertThat(services.path("schema-registry").path("image").asText())
                .isEqualTo("apicurio/apicurio-registry-mem:" + m.group(1));
        assertThat(services.path("schema-registry").path("environment").isMissingNode())
                .as("the tests run the registry with its default settings").isTrue();
    }

    /** A pinned Temurin 17 JRE with the 2026 security updates (17.0.18, January 2026, or later). */
    @Test
    void theRuntimeImageIsAPinnedCurrentJre() throws Exception {
        String from = Files.readAllLines(Tools.repoRoot().resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("FROM eclipse-temurin:17\\.0\\.(\\d+)(\\.\\d+)?_\\d+-jre(-[a-z]+)?").matcher(from);

        assertThat(m.matches()).as(from).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("17.0.x update of " + from).isGreaterThanOrEqualTo(18);
    }

    // ---------------------------------------------------------------------------------------------

    private static Properties properties(String file) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(Tools.repoRoot().resolve(file))));
        return p;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> out = new HashMap<>();
        services.path(service).path("environment").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** "PLAINTEXT://kafka:9092,HOST://localhost:29092" → {PLAINTEXT=kafka:9092, HOST=localhost:29092}. */
    private static Map<String, String> listeners(String spec) {
        Map<String, String> out = new HashMap<>();
        for (String l : spec.split(",")) {
            String[] parts = l.trim().split("://", 2);
            out.put(parts[0], parts[1]);
        }
        return out;
    }

    /** Published ports of a service: host port → container port ("127.0.0.1:8081:8080"). */
    private static Map<Integer, Integer> publishedPorts(String service) {
        Map<Integer, Integer> out = new HashMap<>();
        services.path(service).path("ports").forEach(p -> {
            String[] parts = p.asText().split(":");
            out.put(Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1]));
        });
        return out;
    }
}
