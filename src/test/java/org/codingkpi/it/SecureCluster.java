package org.codingkpi.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.security.TestPki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An embedded broker with a SASL_SSL (SCRAM-SHA-512) and an mTLS listener and the StandardAuthorizer, the
 * certificates for it (a CA, the broker, a client, an expired client, a client of another CA), the SCRAM user
 * {@code coding-kpi}, and client configuration files written as docs/operations.md shows them (secrets in
 * owner-only files referenced with {@code ${file:...}}).
 */
final class SecureCluster implements AutoCloseable {
    static final String USER = "coding-kpi";
    static final String PRINCIPAL = "User:" + USER;

    final Path dir;
    final EmbeddedKafka kafka;
    final Path trustStore;
    final Path clientKeyStore;
    final Path expiredKeyStore;
    final Path foreignKeyStore;
    private final Path storePassword;
    private final Path scramPassword;

    SecureCluster(Path dir) throws IOException {
        this.dir = dir;
        TestPki.Ca ca = TestPki.ca("CN=coding-kpi test CA");
        TestPki.Ca other = TestPki.ca("CN=some other CA");
        String pw = "store-secret-" + Long.toHexString(System.nanoTime());
        trustStore = ca.writeTrustStore(dir.resolve("truststore.p12"), pw);
        Path brokerStore = ca.issue("CN=broker", "IP:127.0.0.1", "DNS:localhost").writeKeyStore(dir.resolve("broker.p12"), pw);
        clientKeyStore = ca.issue("CN=" + USER).writeKeyStore(dir.resolve("client.p12"), pw);
        Instant now = Instant.now();
        expiredKeyStore = ca.issue("CN=" + USER, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))
                .writeKeyStore(dir.resolve("client-expired.p12"), pw);
        foreignKeyStore = other.issue("CN=" + USER).writeKeyStore(dir.resolve("client-other-ca.p12"), pw);
        storePassword = secret("store-password", pw);
        scramPassword = secret("kafka-password", "scram-" + Long.toHexString(System.nanoTime()));
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Secure(brokerStore, pw, trustStore, pw, true));
        kafka.addScramUser(USER, Files.readString(scramPassword).trim());
    }

    private Path secret(String name, String value) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** The SASL_SSL settings of docs/operations.md, with {@code password} in place of the real one when not null. */
    Map<String, String> saslSsl(String wrongPassword) throws IOException {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.saslSslBootstrapServers());
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", "${file:" + storePassword + "}");
        String password = wrongPassword == null ? "${file:" + scramPassword + "}" : wrongPassword;
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";");
        return p;
    }

    /** The mutual-TLS settings of docs/operations.md with the given client key store. */
    Map<String, String> mtls(Path keyStore) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.sslBootstrapServers());
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.location", keyStore.toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", "${file:" + storePassword + "}");
        p.put("ssl.key.password", "${file:" + storePassword + "}");
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", "${file:" + storePassword + "}");
        return p;
    }

    /** Pipeline settings for an application with its own topics ({@code app}-encounters, ...). */
    static Map<String, String> app(String app, Path stateDir, int metricsPort) {
        Map<String, String> p = new HashMap<>();
        p.put(PipelineConfig.APPLICATION_ID, app);
        p.put(PipelineConfig.TOPIC_ENCOUNTERS, app + "-in-encounters");
        p.put(PipelineConfig.TOPIC_AI, app + "-in-ai-suggestions");
        p.put(PipelineConfig.TOPIC_CLAIMS, app + "-in-claims");
        p.put(PipelineConfig.TOPIC_DEAD_LETTER, app + "-dead-letter");
        p.put(PipelineConfig.TOPIC_AUDIT, app + "-audit");
        p.put(PipelineConfig.METRICS_PORT, Integer.toString(metricsPort));
        p.put(PipelineConfig.METRICS_BIND, "127.0.0.1");
        p.put("state.dir", stateDir.toString());
        return p;
    }

    /** Writes a properties file (owner-only: it names secret files). */
    Path write(String name, Map<String, String> settings) throws IOException {
        StringBuilder s = new StringBuilder();
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> s.append(e.getKey()).append('=').append(e.getValue().replace("\\", "\\\\")).append('\n'));
        Path f = dir.resolve(name);
        Files.writeString(f, s);
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** Creates the application's input, dead-letter and audit topics (as the super user). */
    void createTopics(PipelineConfig c, int partitions) {
        kafka.createTopics(List.of(c.encountersTopic(), c.aiTopic(), c.claimsTopic(), c.deadLetterTopic(), c.auditTopic()), partitions);
    }

    /** Grants the principal the ACLs {@link PipelineAcls} lists for every command. */
    List<AclBinding> grantAll(PipelineConfig c) {
        List<AclBinding> all = new ArrayList<>();
        for (List<PipelineAcls.Grant> grants : List.of(PipelineAcls.forPipeline(c), PipelineAcls.forImport(c), PipelineAcls.forAudit(c))) {
            grants.forEach(g -> all.add(g.binding(PRINCIPAL)));
        }
        grant(all);
        return all;
    }

    /** Grants the ACLs and waits until the broker applies them (they travel through the metadata log). */
    void grant(List<AclBinding> acls) {
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        org.awaitility.Awaitility.await("ACLs applied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> new java.util.HashSet<>(aclsOf(acls.get(0).entry().principal())).containsAll(acls));
    }

    /** Revokes the ACL and waits until the broker no longer applies it. */
    void revoke(AclBinding acl) {
        try (Admin admin = kafka.admin()) {
            admin.deleteAcls(List.of(acl.toFilter())).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        org.awaitility.Awaitility.await("ACL revoked").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !aclsOf(acl.entry().principal()).contains(acl));
    }

    /** Every ACL the broker holds for the principal. */
    List<AclBinding> aclsOf(String principal) {
        try (Admin admin = kafka.admin()) {
            return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
                    .filter(b -> b.entry().principal().equals(principal)).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records in these topics (sum of end offsets), read as the super user. */
    long records(List<String> topics) {
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            d.forEach((t, desc) -> desc.partitions().forEach(p -> ends.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kafka.close();
    }
}
