package org.codingkpi.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.codingkpi.app.Pipeline;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.MetricsServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's Prometheus scrapes the endpoints over TLS with basic auth, configured as docs/operations.md
 * shows; a second job with a wrong password is refused (401), a third that speaks plain HTTP gets nothing.
 */
@Tag("integration")
class PrometheusTlsScrapeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void prometheusScrapesOverTlsWithBasicAuthAndAWrongPasswordIsRefused() throws Exception {
        TestPki.Ca ca = TestPki.ca("CN=coding-kpi test CA");
        Path p12 = ca.issue("CN=localhost", "IP:127.0.0.1", "DNS:localhost").writeKeyStore(dir.resolve("metrics.p12"), "ks-secret");
        Path caPem = ca.writePem(dir.resolve("ca.pem"));
        Path ksPassword = Files.writeString(dir.resolve("metrics-keystore-password"), "ks-secret\n");
        String scrapePassword = "correct horse battery staple";
        Path web = Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n"
                + "  keystore_file: " + p12 + "\n"
                + "  keystore_password: ${file:" + ksPassword + "}\n"
                + "basic_auth_users:\n"
                + "  prometheus: " + BCrypt.withDefaults().hashToString(10, scrapePassword.toCharArray()) + "\n");

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("coding.test.scraped").increment(7);
        PipelineConfig config = PipelineConfig.of(Map.of(PipelineConfig.METRICS_PORT, "0", PipelineConfig.METRICS_BIND, "127.0.0.1",
                PipelineConfig.METRICS_WEB_CONFIG, web.toString(), PipelineConfig.METRICS_HEALTH_OPEN, "true"));
        Path rightPw = Files.writeString(dir.resolve("scrape-password"), scrapePassword);
        Path wrongPw = Files.writeString(dir.resolve("wrong-password"), "tr0ub4dor&3");
        int prometheusPort = freePort();
        String prometheusUrl = "http://127.0.0.1:" + prometheusPort;
        try (MetricsServer server = Pipeline.metricsServer(config, registry, () -> true)) {
            String target = "127.0.0.1:" + server.port();
            Path promConfig = dir.resolve("prometheus.yml");
            Map<String, Object> tls = Map.of("ca_file", caPem.toString());
            new YAMLMapper().writeValue(promConfig.toFile(), Map.of(
                    "global", Map.of("scrape_interval", "1s"),
                    "scrape_configs", List.of(
                            Map.of("job_name", "coding-kpi", "scheme", "https", "tls_config", tls,
                                    "basic_auth", Map.of("username", "prometheus", "password_file", rightPw.toString()),
                                    "static_configs", List.of(Map.of("targets", List.of(target)))),
                            Map.of("job_name", "wrong-password", "scheme", "https", "tls_config", tls,
                                    "basic_auth", Map.of("username", "prometheus", "password_file", wrongPw.toString()),
                                    "static_configs", List.of(Map.of("targets", List.of(target)))),
                            Map.of("job_name", "plain-http", "scheme", "http",
                                    "static_configs", List.of(Map.of("targets", List.of(target)))))));
            Process prometheus = new ProcessBuilder(require("prometheus"), "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                await("the test counter scraped over TLS with basic auth").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() -> query(http, prometheusUrl, "coding_test_scraped_total{job=\"coding-kpi\"}").size() == 1);
                assertThat(query(http, prometheusUrl, "coding_test_scraped_total{job=\"coding-kpi\"}").get(0).path("value").get(1).asText())
                        .isEqualTo("7");
                await("every target scraped at least once").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> query(http, prometheusUrl, "up").size() == 3);
                assertThat(upOf(http, prometheusUrl, "coding-kpi")).isEqualTo("1");
                assertThat(upOf(http, prometheusUrl, "wrong-password")).isEqualTo("0");
                assertThat(upOf(http, prometheusUrl, "plain-http")).isEqualTo("0");
                assertThat(query(http, prometheusUrl, "coding_test_scraped_total{job!=\"coding-kpi\"}")).isEmpty();
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/targets")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).path("data").path("activeTargets");
                for (JsonNode t : targets) {
                    String job = t.path("labels").path("job").asText();
                    String error = t.path("lastError").asText();
                    if (job.equals("wrong-password")) {
                        assertThat(error).contains("401");
                    } else if (job.equals("plain-http")) {
                        assertThat(error).isNotEmpty();
                    }
                }
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    private static String upOf(HttpClient http, String url, String job) throws Exception {
        return query(http, url, "up{job=\"" + job + "\"}").get(0).path("value").get(1).asText();
    }

    private static JsonNode query(HttpClient http, String url, String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("data").path("result");
    }

    private static String require(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new AssertionError(tool + " is not on PATH: run ci-obs/install.sh (Debian package prometheus)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
