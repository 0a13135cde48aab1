package org.codingkpi.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.codingkpi.app.Pipeline;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.MetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP endpoints with a web configuration file (Prometheus' format): TLS from a PKCS12 key store or a
 * PEM pair, basic auth against bcrypt hashes, health optionally open, nothing for a plain-HTTP caller.
 */
class MetricsServerSecurityTest {
    private static final String PASSWORD = "scrape-me-please";

    @TempDir
    static Path dir;
    private static TestPki.Ca ca;
    private static TestPki.Identity server;
    private static String hash;

    private MetricsServer metrics;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("CN=metrics test CA");
        server = ca.issue("CN=localhost", "IP:127.0.0.1", "DNS:localhost");
        // Prometheus' documentation and htpasswd write $2y$; the same algorithm as $2a$
        hash = BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray()).replaceFirst("^\\$2a\\$", "\\$2y\\$");
    }

    @AfterEach
    void stop() {
        if (metrics != null) {
            metrics.close();
        }
    }

    private int start(String webConfigYaml, boolean healthOpen) throws IOException {
        Path web = Files.writeString(Files.createTempFile(dir, "web", ".yml"), webConfigYaml);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("coding.test.secret.dollars").increment(42);
        PipelineConfig config = PipelineConfig.of(Map.of(PipelineConfig.METRICS_PORT, "0", PipelineConfig.METRICS_BIND, "127.0.0.1",
                PipelineConfig.METRICS_WEB_CONFIG, web.toString(), PipelineConfig.METRICS_HEALTH_OPEN, Boolean.toString(healthOpen)));
        metrics = Pipeline.metricsServer(config, registry, () -> true);
        return metrics.port();
    }

    private static String keystoreConfig() {
        Path p12 = server.writeKeyStore(dir.resolve("metrics.p12"), "store-pw");
        Path pw = writeSecret("metrics-keystore-password", "store-pw\n");
        return "tls_server_config:\n  keystore_file: " + p12 + "\n  keystore_password: ${file:" + pw + "}\n"
                + "basic_auth_users:\n  prometheus: " + hash + "\n";
    }

    private static Path writeSecret(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(int port, String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rightPasswordOverTlsGetsTheMetrics() throws Exception {
        int port = start(keystoreConfig(), false);
        HttpResponse<String> r = get(port, "/metrics", "prometheus", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("coding_test_secret_dollars_total 42.0");
        // again: served from the verified-password cache, same answer
        assertThat(get(port, "/metrics", "prometheus", PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordUnknownUserOrNoCredentialsGet401AndNoMetrics() throws Exception {
        int port = start(keystoreConfig(), false);
        for (String[] credentials : new String[][] {{"prometheus", "wrong"}, {"mallory", PASSWORD}, {null, null},
                {"prometheus", PASSWORD + "x".repeat(100)}, {"mallory", "y".repeat(100)}}) {
            HttpResponse<String> r = get(port, "/metrics", credentials[0], credentials[1]);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(r.body()).doesNotContain("coding_");
        }
    }

    @Test
    void healthAsksForCredentialsUnlessOpenForProbes() throws Exception {
        int closed = start(keystoreConfig(), false);
        assertThat(get(closed, "/health/ready", null, null).statusCode()).isEqualTo(401);
        assertThat(get(closed, "/health/live", null, null).statusCode()).isEqualTo(401);
        assertThat(get(closed, "/health/ready", "prometheus", PASSWORD).statusCode()).isEqualTo(200);
        metrics.close();

        int open = start(keystoreConfig(), true);
        assertThat(get(open, "/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(get(open, "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(get(open, "/metrics", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void otherPathsAre404OnlyAfterAuthentication() throws Exception {
        int port = start(keystoreConfig(), true);
        assertThat(get(port, "/roi", null, null).statusCode()).isEqualTo(401);
        assertThat(get(port, "/metricsx", null, null).statusCode()).isEqualTo(401);
        assertThat(get(port, "/", "prometheus", PASSWORD).statusCode()).isEqualTo(404);
        assertThat(get(port, "/health/ready/x", "prometheus", PASSWORD).statusCode()).isEqualTo(404);
    }

    @Test
    void plainHttpToTheTlsPortGetsNothingUseful() throws Exception {
        int port = start(keystoreConfig(), true);
        byte[] answer;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString(("prometheus:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            answer = readUntilClosed(s.getInputStream());
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("HTTP/1.").doesNotContain("coding_").doesNotContain("ready");
        // at most a TLS alert record (content type 21), never application data
        if (answer.length > 0) {
            assertThat(answer[0]).isEqualTo((byte) 21);
        }
    }

    @Test
    void clientThatDoesNotTrustTheCaFailsTheHandshake() throws Exception {
        int port = start(keystoreConfig(), true);
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void pemCertificateAndKeyAsPrometheusWritesThem() throws Exception {
        Path cert = server.writeCertPem(dir.resolve("metrics.crt"));
        Path key = server.writeKeyPem(dir.resolve("metrics.key"));
        int port = start("tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n  min_version: TLS13\n"
                + "basic_auth_users:\n  prometheus: " + hash + "\n", false);
        assertThat(get(port, "/metrics", "prometheus", PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void basicAuthWithoutTlsIsPossibleButPlain() throws Exception {
        int port = start("basic_auth_users:\n  prometheus: " + hash + "\n", false);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void aPasswordInPlaceOfAHashIsRejectedWithoutEchoingIt() throws IOException {
        Path web = Files.writeString(dir.resolve("bad.yml"), "basic_auth_users:\n  prometheus: hunter2-plain\n");
        assertThatThrownBy(() -> WebConfig.load(web, Map.of()))
                .hasMessageContaining("basic_auth_users.prometheus: expected a bcrypt hash")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void unknownKeysAndAWrongKeystorePasswordAreClearErrors() throws IOException {
        Path web = Files.writeString(dir.resolve("typo.yml"), "tls_server_config:\n  keystore_fiel: x.p12\n");
        assertThatThrownBy(() -> WebConfig.load(web, Map.of())).hasMessageContaining("unknown key keystore_fiel");
        Path p12 = server.writeKeyStore(dir.resolve("other.p12"), "right-pw");
        Path wrong = Files.writeString(dir.resolve("wrongpw.yml"), "tls_server_config:\n  keystore_file: " + p12
                + "\n  keystore_password: ${env:METRICS_KS_PW}\n");
        assertThatThrownBy(() -> WebConfig.load(wrong, Map.of("METRICS_KS_PW", "not-the-password")))
                .hasMessageContaining("keystore_file: cannot load").hasMessageContaining("check keystore_password")
                .hasMessageNotContaining("not-the-password");
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the server did not answer at all, or reset the connection: nothing useful either way
        }
        return out.toByteArray();
    }
}
