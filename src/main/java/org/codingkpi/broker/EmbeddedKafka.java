package org.codingkpi.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) in this JVM, on
 * free loopback ports, for {@code demo}, {@code replay} and the integration tests. Replication
 * factors and min ISR of the internal topics (offsets, transaction state, share coordinator) are 1,
 * which exactly-once transactions need on a single broker. A restart keeps the log directory and
 * the ports, so it is the same cluster.
 *
 * <p>The broker is formatted with {@code transaction.version=1} (explicit AddPartitionsToTxn): with
 * version 2 on 4.4 we saw a burst of OUT_OF_ORDER_SEQUENCE_NUMBER retries whenever a new transaction
 * first wrote to a partition, and once a replay that stopped consuming one partition. Set the system
 * property {@code embedded.transaction.version=2} to try version 2.
 *
 * <p>With {@link Secure} settings ({@link #start(Secure)}) the broker also has a {@code SASL_SSL} listener
 * (SCRAM-SHA-512, users added with {@link #addScramUser}) and an {@code SSL} listener that requires a client
 * certificate signed by the trust store's CA (the principal is the certificate's CN), and optionally
 * the KRaft {@code StandardAuthorizer} (no ACL, no access). The plaintext listener stays for the broker's own
 * traffic and for {@link #admin()}, whose anonymous principal is a super user: a test harness, not a deployment.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The listener names of a secured broker, as clients see them in error messages and this class's accessors. */
    public static final String SASL_SSL = "SASL_SSL";
    public static final String SSL = "SSL";

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final Secure secure;
    private final int saslSslPort;
    private final int sslPort;
    private final String clusterId = Uuid.randomUuid().toString();
    private KafkaRaftServer server;

    /**
     * The TLS material and options of a secured broker. The key store (PKCS12) holds the broker's key and a
     * certificate for 127.0.0.1; the trust store (PKCS12) the CA whose client certificates the SSL listener accepts.
     */
    public record Secure(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword, boolean authorizer) {
    }

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, Secure secure) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.secure = secure;
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        this.saslSslPort = secure == null ? -1 : freePort();
        this.sslPort = secure == null ? -1 : freePort();
    }

    /** Starts a broker with its log in a new temporary directory, deleted on close. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("coding-kpi-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a broker with its log in {@code logDir} (created if needed). */
    public static EmbeddedKafka start(Path logDir, boolean deleteOnClose) {
        return start(logDir, deleteOnClose, null);
    }

    /** Starts a broker with SASL_SSL and SSL (client certificate) listeners besides the plaintext one. */
    public static EmbeddedKafka start(Secure secure) {
        try {
            return start(Files.createTempDirectory("coding-kpi-kafka-"), true, secure);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafka start(Path logDir, boolean deleteOnClose, Secure secure) {
        EmbeddedKafka kafka = new EmbeddedKafka(logDir, deleteOnClose, secure);
        kafka.format();
        kafka.startServer();
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    /** The plaintext listener (with {@link Secure}: the super user's, for test set-up only). */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The SASL_SSL (SCRAM-SHA-512) listener of a secured broker. */
    public String saslSslBootstrapServers() {
        requireSecure();
        return "127.0.0.1:" + saslSslPort;
    }

    /** The SSL listener (client certificate required) of a secured broker. */
    public String sslBootstrapServers() {
        requireSecure();
        return "127.0.0.1:" + sslPort;
    }

    /** Adds (or replaces) a SCRAM-SHA-512 user for the SASL_SSL listener. */
    public void addScramUser(String user, String password) {
        requireSecure();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the SCRAM user " + user + ": " + e.getMessage(), e);
        }
    }

    private void requireSecure() {
        if (secure == null) {
            throw new IllegalStateException("this embedded broker was started without TLS listeners (EmbeddedKafka.start(Secure))");
        }
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        // keep everything: imported history carries its event times as record timestamps, months old, and
        // time-based retention (7 days by default) would delete it before the pipeline reads it
        p.put("log.retention.ms", "-1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        if (secure != null) {
            secureListeners(p);
        }
        return p;
    }

    private void secureListeners(Properties p) {
        p.put("listeners", p.get("listeners") + ",SASL_SSL://127.0.0.1:" + saslSslPort + ",SSL://127.0.0.1:" + sslPort);
        p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL_SSL://127.0.0.1:" + saslSslPort + ",SSL://127.0.0.1:" + sslPort);
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL,SSL:SSL");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", secure.keyStore().toString());
        p.put("ssl.keystore.password", secure.keyStorePassword());
        p.put("ssl.key.password", secure.keyStorePassword());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", secure.trustStore().toString());
        p.put("ssl.truststore.password", secure.trustStorePassword());
        p.put("listener.name.ssl.ssl.client.auth", "required");
        // the principal of a client certificate is its CN (User:coding-kpi), as for the SCRAM user of the same name
        p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        if (secure.authorizer()) {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("allow.everyone.if.no.acl.found", "false");
            // the plaintext listener (broker traffic, controller, the harness's admin) is anonymous
            p.put("super.users", "User:ANONYMOUS");
        }
    }

    private void format() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setFeatureLevel("transaction.version", Integer.getInteger("embedded.transaction.version", 1).shortValue())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's log directory " + logDir, e);
        }
    }

    private void startServer() {
        server = new KafkaRaftServer(new KafkaConfig(brokerProperties(), false), Time.SYSTEM);
        server.startup();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get();
                return;
            } catch (Exception e) {
                last = new IllegalStateException("embedded broker not ready: " + e.getMessage(), e);
                pause();
            }
        }
        throw last != null ? last : new IllegalStateException("embedded broker not ready in " + timeout);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
        }
    }

    /** An admin client on this broker; close it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Creates the topics (idempotent). */
    public void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, (short) 1));
            }
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics " + names, e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker and starts it again on the same log directory and ports. */
    public void restart() {
        stopServer();
        startServer();
        awaitReady(Duration.ofSeconds(60));
    }

    private void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer();
        if (deleteOnClose) {
            org.codingkpi.util.TempDirs.deleteRecursively(logDir);
        }
    }


    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
