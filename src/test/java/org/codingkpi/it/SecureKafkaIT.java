package org.codingkpi.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.codingkpi.cli.Main;
import org.codingkpi.config.PipelineConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code run}, {@code import}, {@code simulate} and {@code audit} through a SASL_SSL (SCRAM-SHA-512) listener and
 * an mTLS listener of a broker with the StandardAuthorizer, configured as docs/operations.md shows, with the
 * ACLs it lists; and a wrong password, an untrusted client certificate, an expired one and a plaintext client on
 * the TLS listener: each command fails within seconds, non-zero, naming the listener and the cause, and writes nothing.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureKafkaIT {
    private static final Duration FAIL_FAST = Duration.ofSeconds(20);

    private Path dir;
    private SecureCluster cluster;

    @BeforeAll
    void startBroker() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "secure-kafka-it-").toAbsolutePath();
        cluster = new SecureCluster(dir);
    }

    @AfterAll
    void stopBroker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Outcome(int exitCode, String out, String err, Duration took) {
    }

    static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyCommandWorksThroughSaslSsl() throws Exception {
        commandsWorkThrough("sasl", cluster.saslSsl(null));
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyCommandWorksThroughMutualTls() throws Exception {
        commandsWorkThrough("mtls", cluster.mtls(cluster.clientKeyStore));
    }

    private void commandsWorkThrough(String name, Map<String, String> listener) throws Exception {
        int metricsPort = SecureCluster.freePort();
        Map<String, String> settings = new HashMap<>(listener);
        settings.putAll(SecureCluster.app("secure-" + name, dir.resolve("state-" + name), metricsPort));
        Path config = cluster.write(name + ".properties", settings);
        PipelineConfig c = PipelineConfig.load(config, Map.of());
        cluster.createTopics(c, 2);
        cluster.grantAll(c);
        String bootstrap = c.get(PipelineConfig.BOOTSTRAP_SERVERS);

        Outcome simulate = cli("simulate", "--bootstrap-servers", bootstrap, "--config", config.toString(), "--days", "6",
                "--encounters-per-day", "15", "--seed", "7");
        assertThat(simulate.exitCode()).as(simulate.err()).isZero();

        Path history = dir.resolve(name + "-history.jsonl");
        assertThat(cli("simulate", "--output", history.toString(), "--days", "6", "--encounters-per-day", "15", "--seed", "8", "--messy",
                "--start", "2026-03-01").exitCode()).isZero();
        Outcome imported = cli("import", history.toString(), "--config", config.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        // only the import has written to the dead-letter topic so far (lines that are not events), without transactions
        long deadLetteredByImport = cluster.records(List.of(c.deadLetterTopic()));

        long expected = cluster.records(List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic())) + deadLetteredByImport;
        try (RunProcess run = new RunProcess(config, dir.resolve(name + "-run.log"))) {
            run.start();
            await("run through " + listener.get("security.protocol") + " processed all " + expected + " records")
                    .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        run.requireAlive();
                        Scrape s = Scrape.orNull(metricsPort);
                        return s != null && s.processed() == expected;
                    });
            assertThat(run.stop()).as("SIGTERM: a clean stop").isIn(0, 143);
            String log = Files.readString(run.log());
            assertThat(log).contains("Effective configuration (secrets hidden)");
            assertThat(log).doesNotContain(Files.readString(dir.resolve("store-password")).trim())
                    .doesNotContain(Files.readString(dir.resolve("kafka-password")).trim());
        }

        Outcome audit = cli("audit", "--bootstrap-servers", bootstrap, "--config", config.toString(), "--json", "--timeout", "30s");
        // read the audit topic to its end through the listener (no finding in so short a history; the report goes to stdout)
        assertThat(audit.exitCode()).as(audit.err()).isZero();
    }


    // ---- failures: fast, non-zero, named, nothing written ----

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void wrongPasswordFailsFastInEveryCommand() throws Exception {
        everyCommandFailsFast("wrong-password", cluster.saslSsl("not-the-password"),
                List.of("authentication failed", "sasl.jaas.config"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void clientCertificateOfAnotherCaFailsFastInEveryCommand() throws Exception {
        everyCommandFailsFast("untrusted-cert", cluster.mtls(cluster.foreignKeyStore), List.of("TLS handshake failed", "ssl.keystore"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void expiredClientCertificateFailsFastInEveryCommand() throws Exception {
        everyCommandFailsFast("expired-cert", cluster.mtls(cluster.expiredKeyStore), List.of("expired on", "CN=coding-kpi"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theBrokerItselfRefusesAnExpiredClientCertificate() {
        // the commands check the certificate's dates before connecting; the broker must refuse it anyway
        Map<String, Object> p = new HashMap<>(PipelineConfig.of(cluster.mtls(cluster.expiredKeyStore)).clientProperties());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(p)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void plaintextClientOnTheTlsListenerFailsFastInEveryCommand() throws Exception {
        Map<String, String> plaintext = Map.of("bootstrap.servers", cluster.kafka.saslSslBootstrapServers(), "security.protocol", "PLAINTEXT");
        everyCommandFailsFast("plaintext-on-tls", plaintext, List.of("is a TLS listener", "security.protocol is PLAINTEXT"));
    }

    private void everyCommandFailsFast(String name, Map<String, String> listener, List<String> cause) throws Exception {
        Map<String, String> settings = new HashMap<>(listener);
        settings.putAll(SecureCluster.app("fail-" + name, dir.resolve("state-" + name), 0));
        Path config = cluster.write(name + ".properties", settings);
        PipelineConfig c = PipelineConfig.load(config, Map.of());
        cluster.createTopics(c, 1);
        cluster.grantAll(c);
        List<String> all = List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic(), c.deadLetterTopic(), c.auditTopic());
        long before = cluster.records(all);
        Path history = dir.resolve(name + ".jsonl");
        assertThat(cli("simulate", "--output", history.toString(), "--days", "2", "--encounters-per-day", "5", "--messy").exitCode()).isZero();
        String bootstrap = listener.get("bootstrap.servers");
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"import", history.toString(), "--config", config.toString()});
        commands.add(new String[] {"simulate", "--bootstrap-servers", bootstrap, "--config", config.toString(), "--days", "2",
                "--encounters-per-day", "5"});
        commands.add(new String[] {"audit", "--bootstrap-servers", bootstrap, "--config", config.toString(), "--timeout", "30s"});
        commands.add(new String[] {"run", "--config", config.toString()});
        String secretPassword = Files.readString(dir.resolve("kafka-password")).trim();
        String storePassword = Files.readString(dir.resolve("store-password")).trim();
        for (String[] command : commands) {
            Outcome o = cli(command);
            System.out.printf("%s, %s: exit %d after %d ms: %s%n", name, command[0], o.exitCode(), o.took().toMillis(), o.err().trim());
            assertThat(o.exitCode()).as(command[0] + ": " + o.err()).isNotZero();
            assertThat(o.took()).as(command[0] + " fails fast").isLessThan(FAIL_FAST);
            assertThat(o.err()).as(command[0]).contains(bootstrap).contains("security.protocol=" + listener.get("security.protocol"));
            for (String fragment : cause) {
                assertThat(o.err()).as(command[0]).contains(fragment);
            }
            assertThat(o.err()).doesNotContain(secretPassword).doesNotContain(storePassword).doesNotContain("not-the-password");
        }
        assertThat(cluster.records(all)).as("nothing written").isEqualTo(before);
    }
}
