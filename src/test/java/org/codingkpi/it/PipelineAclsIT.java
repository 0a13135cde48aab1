package org.codingkpi.it;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.codingkpi.app.Importer;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's principal holds exactly the ACLs of {@link PipelineAcls#forPipeline} (the list in
 * docs/operations.md), through SASL_SSL on a broker with the StandardAuthorizer: the pipeline runs exactly once
 * through a restart; without any one of them {@code run} stops at once, non-zero, naming the missing permission.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineAclsIT {
    private static final int PARTITIONS = 3;

    private Path dir;
    private SecureCluster cluster;
    private Path config;
    private PipelineConfig pipelineConfig;
    private int metricsPort;
    private boolean ranOnce;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "pipeline-acls-it-").toAbsolutePath();
        cluster = new SecureCluster(dir);
        metricsPort = SecureCluster.freePort();
        // the documented defaults: application.id coding-kpi, topics encounters, ai-suggestions, claims, coding-kpi-dead-letter, coding-kpi-audit
        Map<String, String> settings = new HashMap<>(cluster.saslSsl(null));
        settings.put(PipelineConfig.METRICS_PORT, Integer.toString(metricsPort));
        settings.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
        settings.put("state.dir", dir.resolve("state").toString());
        config = cluster.write("run.properties", settings);
        pipelineConfig = PipelineConfig.load(config, Map.of());
        cluster.createTopics(pipelineConfig, PARTITIONS);
        cluster.grant(PipelineAcls.forPipeline(pipelineConfig).stream().map(g -> g.binding(SecureCluster.PRINCIPAL)).toList());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void withExactlyTheDocumentedAclsThePipelineRunsExactlyOnceThroughARestart() throws Exception {
        assertThat(new HashSet<>(cluster.aclsOf(SecureCluster.PRINCIPAL)))
                .isEqualTo(new HashSet<>(PipelineAcls.forPipeline(pipelineConfig).stream().map(g -> g.binding(SecureCluster.PRINCIPAL)).toList()));
        SimulatorConfig simulation = SimulatorConfig.builder().seed(14).start(Instant.parse("2026-01-05T00:00:00Z")).days(40)
                .encountersPerDay(25).goLive(Instant.parse("2026-01-20T00:00:00Z")).messy().build();
        SimulatedFeed feed = SimulatedFeed.of(simulation, pipelineConfig, new EventCodec(new BundledSchemaRegistry()));
        int half = feed.records.size() / 2;
        // the feed is written by the broker's super user: the principal under test holds only the pipeline's ACLs
        PipelineConfig producerConfig = PipelineConfig.of(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, cluster.kafka.bootstrapServers()));
        Map<String, Double> expected = GroundTruth.of(feed.valid, feed.rejects, PARTITIONS, pipelineConfig.attributionMaxWait().toMillis());
        try (Producer<byte[], byte[]> producer = Importer.producer(producerConfig);
             RunProcess run = new RunProcess(config, dir.resolve("run.log"))) {
            send(producer, feed.records.subList(0, half));
            run.start();
            awaitProcessed(run, half);
            assertThat(run.stop()).isIn(0, 143);
            send(producer, feed.records.subList(half, feed.records.size()));
            run.start();
            awaitProcessed(run, feed.size());
            Scrape end = Scrape.of(metricsPort);
            assertThat(GroundTruth.differences(expected, end.kpiSamples())).as("coding_* samples after a restart").isEmpty();
            assertThat(run.stop()).isIn(0, 143);
            assertThat(Files.readString(run.log())).doesNotContain("Authoriz");
        }
        ranOnce = true;
    }

    @Test
    @Order(2)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void withoutAnyOneOfTheAclsRunStopsNamingTheMissingPermission() throws Exception {
        assertThat(ranOnce).as("the internal topics and the group exist (first test)").isTrue();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            for (PipelineAcls.Grant grant : PipelineAcls.forPipeline(pipelineConfig)) {
                AclBinding acl = grant.binding(SecureCluster.PRINCIPAL);
                cluster.revoke(acl);
                try {
                    long start = System.nanoTime();
                    Future<SecureKafkaIT.Outcome> running = executor.submit(() -> SecureKafkaIT.cli("run", "--config", config.toString()));
                    SecureKafkaIT.Outcome o = running.get(3, TimeUnit.MINUTES);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    System.out.printf("without %s: exit %d after %d ms: %s%n", grant.describe(), o.exitCode(), took.toMillis(), o.err().trim());
                    assertThat(o.exitCode()).as("without " + grant.describe()).isNotZero();
                    assertThat(o.err()).as("without " + grant.describe()).contains("missing permission")
                            .contains(grant.operation().name()).contains(grant.name());
                    assertThat(took).as("without " + grant.describe() + ": stops, no stall").isLessThan(Duration.ofSeconds(90));
                } finally {
                    cluster.grant(List.of(acl));
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    @Order(3)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anAclRevokedWhileRunningStopsThePipelineNamingIt() throws Exception {
        assertThat(ranOnce).as("the internal topics and the group exist (first test)").isTrue();
        PipelineAcls.Grant input = PipelineAcls.forPipeline(pipelineConfig).get(0);
        AclBinding acl = input.binding(SecureCluster.PRINCIPAL);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<SecureKafkaIT.Outcome> running = executor.submit(() -> SecureKafkaIT.cli("run", "--config", config.toString()));
            await("run ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> running.isDone() || Scrape.ready(metricsPort));
            assertThat(running.isDone()).as("run stopped before the ACL was revoked").isFalse();
            long start = System.nanoTime();
            cluster.revoke(acl);
            SecureKafkaIT.Outcome o = running.get(3, TimeUnit.MINUTES);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("revoked %s while running: exit %d after %d ms: %s%n", input.describe(), o.exitCode(), took.toMillis(), o.err().trim());
            assertThat(o.exitCode()).isNotZero();
            assertThat(o.err()).contains("missing permission").contains(input.name());
        } finally {
            executor.shutdownNow();
            cluster.grant(List.of(acl));
        }
    }

    private void awaitProcessed(RunProcess run, long records) {
        await("the pipeline processed " + records + " records").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    run.requireAlive();
                    Scrape s = Scrape.orNull(metricsPort);
                    return s != null && s.processed() == records;
                });
    }

    private static void send(Producer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        for (ProducerRecord<byte[], byte[]> r : records) {
            producer.send(r);
        }
        producer.flush();
    }
}
