package org.codingkpi.it;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (2.x, in-memory H2 storage, the default of the {@code apicurio-registry-app}
 * build) in a child JVM on a free loopback port, for integration tests. The distribution is unpacked
 * into {@code target/apicurio} by the maven-dependency-plugin in {@code pre-integration-test} (see
 * pom.xml); {@code -Dapicurio.dir=...} points elsewhere. Its output goes to
 * {@code target/apicurio-<port>.log}.
 *
 * <pre>{@code
 * try (ApicurioRegistry registry = ApicurioRegistry.start()) {
 *     SchemaRegistry client = RestSchemaRegistry.builder(registry.ccompatUrl()).build();
 * }
 * }</pre>
 */
public final class ApicurioRegistry implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final Path log;
    private final javax.net.ssl.SSLContext tls;

    private ApicurioRegistry(Process process, int port, Path log, javax.net.ssl.SSLContext tls) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.tls = tls;
    }

    public static ApicurioRegistry start() {
        return start(null, null, null);
    }

    /**
     * The registry over HTTPS only ({@code quarkus.http.insecure-requests=disabled}): its key and certificate from a
     * PKCS12 key store; {@code trust} (a context trusting the key store's CA) for the readiness check.
     */
    public static ApicurioRegistry startTls(Path keyStore, String keyStorePassword, javax.net.ssl.SSLContext trust) {
        return start(keyStore, keyStorePassword, trust);
    }

    private static ApicurioRegistry start(Path keyStore, String keyStorePassword, javax.net.ssl.SSLContext trust) {
        Path runner = runnerJar();
        int port = freePort();
        Path log = Path.of("target", "apicurio-" + port + ".log").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java,
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                // a small connection pool: two shared cores, one test
                "-Dquarkus.datasource.jdbc.min-size=2",
                "-Dquarkus.datasource.jdbc.initial-size=2"));
        if (keyStore == null) {
            command.add("-Dquarkus.http.port=" + port);
        } else {
            command.addAll(List.of("-Dquarkus.http.ssl-port=" + port,
                    "-Dquarkus.http.port=" + freePort(),
                    "-Dquarkus.http.insecure-requests=disabled",
                    "-Dquarkus.http.ssl.certificate.key-store-file=" + keyStore.toAbsolutePath(),
                    "-Dquarkus.http.ssl.certificate.key-store-file-type=PKCS12"));
        }
        command.addAll(List.of("-jar", runner.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(runner.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (keyStorePassword != null) {
            // from the environment, not the command line (which any local user can read)
            pb.environment().put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", keyStorePassword);
        }
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Apicurio Registry", e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log, trust);
        try {
            registry.awaitReady();
        } catch (RuntimeException | Error e) {
            registry.close();
            throw new IllegalStateException("the Apicurio Registry did not become ready; its output: " + log + "\n" + registry.logTail(), e);
        }
        return registry;
    }

    /** The Confluent-compatible API, the URL to give as {@code schema.registry.url}. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public String baseUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    private void awaitReady() {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            hb.sslContext(tls);
        }
        HttpClient http = hb.build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready")).timeout(Duration.ofSeconds(5)).GET().build();
        Awaitility.await("Apicurio Registry on port " + port + " reports ready")
                .atMost(STARTUP)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the registry process exited with " + process.exitValue());
                    }
                    try {
                        return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path runnerJar() {
        Path dir = Path.of(System.getProperty("apicurio.dir", "target/apicurio")).toAbsolutePath();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir, 2)) {
                return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("the Apicurio Registry is not unpacked at " + dir
                + "; run the integration tests through Maven (mvn verify), whose pre-integration-test phase unpacks it");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
